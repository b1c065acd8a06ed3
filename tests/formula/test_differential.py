"""Differential property test: random well-typed formulas over random records must give the
same result from the Python compiler and from SQL (SQLite; PostgreSQL when configured).

Numbers are compared as documented in docs/formulas.md ("Backend agreement"): equal at the
type's declared scale (currency 2, percent 4, number 10 places), or, on SQLite whose
arithmetic is binary floating point, within 1e-9 relative.
"""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from support import SCOPE, STAGES, TAGS, make_env
from tessera.formula import FormulaError, FormulaType as T, check
from tessera.formula.types import DECLARED_SCALE

ALPHABET = "aBc é中😀ß_%;-.19"
MONTH_ENDS = [date(2024, 1, 31), date(2024, 2, 29), date(2023, 2, 28), date(2024, 4, 30),
              date(2023, 12, 31), date(2020, 2, 29), date(2024, 3, 1)]

dates = st.one_of(st.sampled_from(MONTH_ENDS), st.dates(date(1990, 1, 1), date(2040, 12, 31)))
datetimes = st.builds(lambda d, s: datetime(d.year, d.month, d.day) + timedelta(seconds=s),
                      dates, st.integers(0, 86399))


def decimals(places, bound):
    specials = [Decimal(0), Decimal(1), Decimal(-1), Decimal("0.5"), Decimal("-2.5")]
    return st.one_of(st.sampled_from(specials),
                     st.decimals(-bound, bound, places=places, allow_nan=False,
                                 allow_infinity=False))


def nullable(strategy):
    return st.one_of(st.none(), strategy)


records = st.fixed_dictionaries({
    "amount": nullable(decimals(2, 10000)),
    "qty": nullable(decimals(2, 1000)),
    "rate": nullable(decimals(4, 2)),
    "name": nullable(st.text(ALPHABET, max_size=8)),
    "notes": nullable(st.sampled_from(["", " x ", "12.5", "2024-02-29", "-3", "abc"])),
    "stage": nullable(st.sampled_from(STAGES)),
    "tags": nullable(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)),
    "active": nullable(st.booleans()),
    "close": nullable(dates),
    "start": nullable(dates),
    "created": nullable(datetimes),
    "account": nullable(st.sampled_from([1, 2, 99])),
})

SMALL_INTS = st.sampled_from(["0", "1", "2", "3", "-1", "12", "13", "31", "0.5", "-2.5"])
NUM_LITERALS = st.sampled_from(["0", "1", "2", "-1", "0.1", "0.2", "2.5", "-3.75", "100", "1000",
                                "0.15", "7", "NULL"])
TEXT_LITERALS = st.sampled_from(['""', '"a"', '"aB"', '" é "', '"中😀"', '"%"', '";"', '"12.5"',
                                 '"Won"', '"2024-02-29"', '"ß"', "NULL"])


@st.composite
def formulas(draw, kind, depth=3):
    """A random formula of `kind` (num, text, bool, date, datetime), as source text."""
    leaf = depth <= 0 or draw(st.integers(0, 3)) == 0
    make = LEAVES[kind] if leaf else BUILDERS[kind]
    return make(draw, depth - 1)


def sub(draw, kind, depth):
    return draw(formulas(kind, depth))


LEAVES = {
    "num": lambda d, n: d(st.one_of(st.sampled_from(["amount", "qty", "rate", "account.revenue"]),
                                    NUM_LITERALS)),
    "text": lambda d, n: d(st.one_of(st.sampled_from(["name", "notes", "stage", "account.region",
                                                      "$user.team"]), TEXT_LITERALS)),
    "bool": lambda d, n: d(st.sampled_from(["active", "TRUE", "FALSE", "NULL"])),
    "date": lambda d, n: d(st.sampled_from(["close", "start", "TODAY()", "$today"])),
    "datetime": lambda d, n: d(st.sampled_from(["created", "NOW()"])),
}


def _num(d, n):
    a, b = sub(d, "num", n), sub(d, "num", n)
    return d(st.sampled_from([
        f"({a} + {b})", f"({a} - {b})", f"({a} * {b})", f"({a} / {b})", f"(-{a})",
        f"ROUND({a}, {d(st.sampled_from(['0', '1', '2', '-1', '3']))})", f"ABS({a})",
        f"FLOOR({a})", f"CEILING({a})", f"TRUNC({a}, {d(st.sampled_from(['0', '1', '2']))})",
        f"MOD({a}, {b})", f"SIGN({a})", f"MIN({a}, {b})", f"MAX({a}, {b}, 0)",
        f"IF({sub(d, 'bool', n)}, {a}, {b})", f"NULLVALUE({a}, {b})", f"COALESCE({a}, {b}, 1)",
        f"CASE({sub(d, 'text', n)}, \"a\", {a}, \"Won\", {b}, 0)",
        f"LEN({sub(d, 'text', n)})", f"FIND({sub(d, 'text', n)}, {sub(d, 'text', n)})",
        f"VALUE({sub(d, 'text', n)})", f"YEAR({sub(d, 'date', n)})",
        f"MONTH({sub(d, 'date', n)})", f"DAY({sub(d, 'date', n)})",
        f"WEEKDAY({sub(d, 'date', n)})", f"DAYOFYEAR({sub(d, 'date', n)})",
        f"ISOWEEK({sub(d, 'date', n)})", f"QUARTER({sub(d, 'date', n)})",
        f"FISCALYEAR({sub(d, 'date', n)})", f"({sub(d, 'date', n)} - {sub(d, 'date', n)})",
        f"DATEDIFF({sub(d, 'datetime', n)}, {sub(d, 'datetime', n)})",
        f"SQRT(ABS({a}))", f"POWER({a}, {d(st.sampled_from(['0', '1', '2', '3', '-1', '0.5']))})",
        f"LN(ABS({a}) + 1)", f"LOG(ABS({a}) + 1)", f"EXP(MOD({a}, 5))",
        f"HOUR({sub(d, 'datetime', n)})", f"MINUTE({sub(d, 'datetime', n)})",
    ]))


def _text(d, n):
    a, b = sub(d, "text", n), sub(d, "text", n)
    k = d(SMALL_INTS)
    return d(st.sampled_from([
        f"({a} & {b})", f"LEFT({a}, {k})", f"RIGHT({a}, {k})", f"MID({a}, {k}, {d(SMALL_INTS)})",
        f"UPPER({a})", f"LOWER({a})", f"INITCAP({a})", f"TRIM({a})", f"REVERSE({a})",
        f"LPAD({a}, {k}, {b})", f"RPAD({a}, {k})", f"SUBSTITUTE({a}, {b}, \"-\")",
        f"CONCAT({a}, {b})", f"TEXT(ROUND({sub(d, 'num', n)}, 2))", f"TEXT({sub(d, 'date', n)})",
        f"TEXT({sub(d, 'datetime', n)})", f"TEXT({sub(d, 'bool', n)})",
        f"IF({sub(d, 'bool', n)}, {a}, {b})", f"BLANKVALUE({a}, {b})",
        f"MIN({a}, {b})", f"MAX({a}, {b})",
    ]))


def _bool(d, n):
    kind = d(st.sampled_from(["num", "text", "date", "datetime"]))
    a, b = sub(d, kind, n), sub(d, kind, n)
    op = d(st.sampled_from(["=", "<>", "<", "<=", ">", ">="]))
    p, q = sub(d, "bool", n), sub(d, "bool", n)
    t = sub(d, "text", n)
    return d(st.sampled_from([
        f"({a} {op} {b})", f"({p} && {q})", f"({p} || {q})", f"NOT({p})", f"AND({p}, {q}, TRUE)",
        f"OR({p}, {q})", f"ISBLANK({a})", f"ISNULL({a})", f"CONTAINS({t}, {sub(d, 'text', n)})",
        f"BEGINS({t}, {sub(d, 'text', n)})", f"ENDS({t}, {sub(d, 'text', n)})",
        f'ISPICKVAL(stage, "{d(st.sampled_from(STAGES))}")',
        f'INCLUDES(tags, "{d(st.sampled_from(TAGS + ("A;B", "")))}")', f"ISNUMBER({t})",
        f"IF({p}, {q}, NOT({q}))",
        # infix keywords, unparenthesised so that precedence is exercised too
        f"({a} {op} {b} AND {p})", f"({p} OR {a} {op} {b})", f"(NOT {a} {op} {b})",
        f"({p} and NOT {q} Or {a} {op} {b})", f"(NOT {p} && {q} OR NOT ({q}))",
        f"({p} AND({q}))", f"(not {p} || {q} AND {t} = {sub(d, 'text', n)})",
    ]))


def _date(d, n):
    a, b, k = sub(d, "date", n), sub(d, "date", n), sub(d, "num", n)
    return d(st.sampled_from([
        f"({a} + {k})", f"({a} - {k})", f"ADDMONTHS({a}, {k})", f"EOMONTH({a}, {d(SMALL_INTS)})",
        f"ADDDAYS({a}, {k})", f"DATE({d(st.sampled_from(['2024', '2023', '1', '9999']))}, "
        f"{d(SMALL_INTS)}, {d(SMALL_INTS)})", f"DATEVALUE({sub(d, 'text', n)})",
        f"DATEVALUE({sub(d, 'datetime', n)})", f"IF({sub(d, 'bool', n)}, {a}, {b})",
        f"MIN({a}, {b})", f"MAX({a}, {b})", f"COALESCE({a}, {b})",
    ]))


def _datetime(d, n):
    a, b, k = sub(d, "datetime", n), sub(d, "datetime", n), sub(d, "num", n)
    return d(st.sampled_from([
        f"({a} + {k})", f"({a} - {k})", f"DATETIMEVALUE({sub(d, 'date', n)})",
        f"DATETIMEVALUE({sub(d, 'text', n)})", f"IF({sub(d, 'bool', n)}, {a}, {b})",
        f"MAX({a}, {b})",
    ]))


BUILDERS = {"num": _num, "text": _text, "bool": _bool, "date": _date, "datetime": _datetime}
any_formula = st.sampled_from(list(BUILDERS)).flatmap(lambda kind: formulas(kind, 3))


def agree(a, b, ftype, dialect) -> bool:
    """The documented backend-agreement comparison."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        if a == b:
            return True
        scale = Decimal(1).scaleb(-DECLARED_SCALE.get(ftype, 10))
        if a.quantize(scale) == b.quantize(scale):
            return True
        tolerance = Decimal("1e-9") * max(Decimal(1), abs(a), abs(b))
        return dialect == "sqlite" and abs(a - b) <= tolerance
    return a == b


def run_differential(db, source, rows, python_eval):
    try:
        checked = check(source, SCOPE)
    except FormulaError:  # a NULL literal can make a generated operand ill-typed
        assume(False)
    env = make_env()
    expected = python_eval(source, rows, env)
    actual = db.evaluate(source, rows, env)
    mismatches = [(r, e, a) for r, e, a in zip(rows, expected, actual)
                  if not agree(e, a, checked.type, db.dialect)]
    assert not mismatches, f"{source}\n" + "\n".join(
        f"  record={r}\n  python={e!r}\n  {db.dialect}={a!r}" for r, e, a in mismatches)


SETTINGS = settings(max_examples=200, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(source=any_formula, rows=st.lists(records, min_size=1, max_size=4))
def test_python_and_sqlite_agree_on_random_formulas(sqlite_db, source, rows):
    from support import python_eval
    run_differential(sqlite_db, source, rows, python_eval)


@pytest.mark.postgres
@SETTINGS
@given(source=any_formula, rows=st.lists(records, min_size=1, max_size=4))
def test_python_and_postgresql_agree_on_random_formulas(postgres_db, source, rows):
    from support import python_eval
    run_differential(postgres_db, source, rows, python_eval)
