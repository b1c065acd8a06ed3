"""Rounding to 10 places after division and arithmetic, in every backend, and the SQL
forms SQLite gets for it (scaled arithmetic instead of its printf-based round(x, 10))."""
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from support import ENV, SCOPE, python_eval
from tessera.formula import check, compile_sql
from tessera.formula.sqlcompile import SQLITE_MAX_DEPTH, sql_depth

# Around the bands of sqlite_round10: 2**17 (scaled rounding) and 2**19 (x is its own rounding).
MAGNITUDES = ["0.37", "-2.5", "65535.99", "131071.9999999999", "-131072.01", "300000.37",
              "524287.99", "-524288.01", "5696836.15", "123456789012.34"]


@pytest.mark.parametrize("value", MAGNITUDES)
def test_dividing_or_multiplying_by_one_keeps_a_decimal_exactly(evaluate, value):
    source = f"{value} / 1 = {value} && {value} * 1 = {value} && {value} - 0 = {value}"
    assert evaluate(source, [{}]) == [True]


@pytest.mark.parametrize("value", [v for v in MAGNITUDES if abs(D(v)) < 524288])
def test_results_below_2_pow_19_come_back_as_the_exact_decimal(evaluate, value):
    assert evaluate(f"{value} / 1", [{}]) == [D(value)]


@pytest.mark.parametrize("source,expected", [
    ("2 / 3", "0.6666666667"),
    ("-2 / 3", "-0.6666666667"),
    ("1 / 2048", "0.0004882813"),             # a tie at the 11th place, exact in binary
    ("-1 / 2048", "-0.0004882813"),
    ("0.0003 / 128", "0.0000023438"),         # a decimal tie the quotient holds a hair below
    ("-0.0003 / 128", "-0.0000023438"),
    ("0.00000000005 / 1", "0.0000000001"),
    ("0.0000000000499 / 1", "0"),
    ("100000 / 3", "33333.3333333333"),
    ("200000 / 3", "66666.6666666667"),
    ("1000000 / 3", "333333.3333333333"),
])
def test_division_rounds_half_away_from_zero_at_10_places(evaluate, source, expected):
    assert evaluate(source, [{}]) == [D(expected)]


def test_whole_numbers_divide_as_decimals_not_integers(evaluate):
    assert evaluate("qty / amount", [{"qty": D(1), "amount": D(3)}]) == [D("0.3333333333")]
    assert evaluate("qty / 4", [{"qty": D(2)}]) == [D("0.5")]
    assert evaluate("amount / qty", [{"qty": D(0), "amount": D(3)}, {"amount": D(3)}]) == [None, None]


decimal_literals = st.builds(
    lambda digits, places, sign: str(D(digits).scaleb(-places) * sign),
    st.integers(1, 10**12), st.integers(0, 6), st.sampled_from([1, -1]))


@settings(max_examples=150, deadline=None)
@given(a=decimal_literals, b=decimal_literals)
def test_sqlite_quotients_agree_with_python_across_magnitudes(sqlite_db, a, b):
    source = f"{a} / {b}"
    [expected], [actual] = python_eval(source, [{}]), sqlite_db.evaluate(source, [{}])
    if expected is None or abs(expected) >= D("1e15"):
        return  # beyond 15 digits a double cannot hold the value
    # "about 15 significant digits" (docs/formulas.md, Backend agreement)
    assert abs(actual - expected) <= D("1e-9") * max(D(1), abs(expected)), source


# -- the SQL SQLite gets ---------------------------------------------------------------


def sqlite_sql(source: str, db) -> str:
    expr = compile_sql(check(source, SCOPE), db, ENV)
    text = str(expr.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return text.replace(db.deal.name + ".", "").replace(db.account.name + ".", "account.")


def test_sqlite_division_needs_no_nullif_and_rounds_by_scaling(sqlite_db):
    sql = sqlite_sql("IF(amount > 0, qty / amount, NULL)", sqlite_db)
    assert "nullif" not in sql and "+ 0.0" not in sql
    assert "CAST(qty AS FLOAT) / amount BETWEEN -131072.0 AND 131072.0" in sql
    assert "round((CAST(qty AS FLOAT) / amount) * " in sql            # |x| < 2**17: scaled
    assert "round(CAST(qty AS FLOAT) / amount, 10)" in sql            # up to 2**19: printf
    assert "ELSE CAST(qty AS FLOAT) / amount END" in sql              # beyond: x itself


def test_sqlite_never_repeats_a_subquery_to_round_it(sqlite_db):
    sql = sqlite_sql("account.revenue / 3", sqlite_db)
    assert sql.count("SELECT") == 1 and "BETWEEN" not in sql
    assert sql.startswith("round(CAST((SELECT account.revenue")


def test_postgresql_keeps_exact_numeric_division():
    class Binder:
        dialect_name = "postgresql"
        table = sa.table("deal", sa.column("amount", sa.Numeric), sa.column("qty", sa.Numeric))

        def column(self, path):
            return self.table.c[path[0]]

    from sqlalchemy.dialects import postgresql
    expr = compile_sql(check("amount / qty", SCOPE), Binder(), ENV)
    sql = str(expr.compile(dialect=postgresql.dialect()))
    # the dividend gets 25 decimal places so that PostgreSQL's quotient has at least 10
    assert sql.startswith("round((CAST(deal.amount AS NUMERIC) + 0.0000000000000000000000000) / ")
    assert "nullif(CAST(deal.qty AS NUMERIC)" in sql and "BETWEEN" not in sql


@pytest.mark.parametrize("source", [
    "amount" + " / 1.01" * (SQLITE_MAX_DEPTH - 1),
    "(" * (SQLITE_MAX_DEPTH - 1) + "amount" + " / qty)" * (SQLITE_MAX_DEPTH - 1),
    "((" * 5 + "amount" + " - qty) / (qty + rate) * 2)" * 5,
])
def test_nested_divisions_at_the_sqlite_depth_limit_stay_small_and_agree(sqlite_db, source):
    assert sql_depth(check(source, SCOPE).tree) <= SQLITE_MAX_DEPTH
    assert len(sqlite_sql(source, sqlite_db)) < 60_000  # repetition is bounded, not exponential
    record = [{"amount": D("1234.56"), "qty": D("3"), "rate": D("0.15")}]
    [expected], [actual] = python_eval(source, record), sqlite_db.evaluate(source, record)
    assert abs(actual - expected) <= D("1e-9") * max(D(1), abs(expected))


def test_sqlite_evaluates_cheap_conditions_first(sqlite_db):
    # SQLite stops at the first decisive AND/OR operand, in written order; both are
    # commutative in three-valued logic, so the cheap comparison goes first.
    sql = sqlite_sql('amount / qty > 0.2 && stage = "Won" AND UPPER(name) = "X"', sqlite_db)
    assert sql.startswith("((stage = 'Won') AND (CASE WHEN")
    assert sql.endswith("AND (tessera_upper(name) = 'X'))")
    sql = sqlite_sql('OR(account.region = "EMEA", active)', sqlite_db)
    assert sql.startswith("((active) OR ((SELECT")


def test_reordering_keeps_three_valued_results(evaluate):
    records = [{"amount": a, "qty": D(2), "stage": s} for a in (D(1), D(-1), None)
               for s in ("Won", "Lost", None)]
    written = evaluate('amount / qty > 0.2 && stage = "Won"', records)
    assert written == evaluate('stage = "Won" AND amount / qty > 0.2', records)
    assert written == [True, False, None, False, False, False, None, False, None]
    assert evaluate('amount / qty > 0.2 || stage = "Won"', records) == [
        True, True, True, True, False, None, True, None, None]
