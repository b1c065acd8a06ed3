"""Dialect-aware building blocks for the SQL compiler and the functions' SQL forms.

Only SQLAlchemy constructs that render on both SQLite and PostgreSQL are used;
where the dialects differ the helpers branch on `dialect`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Sequence

import sqlalchemy as sa

from .sqlonce import Once, once_each
from .types import EvalEnv, FormulaType as T

SA_TYPES = {
    T.NUMBER: sa.Numeric(), T.CURRENCY: sa.Numeric(), T.PERCENT: sa.Numeric(),
    T.TEXT: sa.String(), T.PICKLIST: sa.String(), T.MULTI_PICKLIST: sa.String(),
    T.BOOLEAN: sa.Boolean(), T.DATE: sa.Date(), T.DATETIME: sa.DateTime(),
    T.LOOKUP: sa.Integer(),
}
SQLITE_DATETIME = "%Y-%m-%d %H:%M:%f"  # plus "000": SQLAlchemy's microsecond layout

# Rounding to 10 places on SQLite (see sqlite_round10 and docs/formulas.md, "SQLite arithmetic").
SCALED_ROUND_LIMIT = 131072.0   # 2**17: below it, round(x * 1e10) / 1e10 rounds exactly enough
COARSE_LIMIT = 524288.0         # 2**19: from here doubles are spaced wider than 1e-10
_SCALE_UP = 1e10 + 2.0 ** -19   # 10**10 plus one unit in its last place: decimal ties round away
REPEAT_LIMIT = 200              # SQL elements of an operand that may be evaluated more than once
_CHEAP_FUNCTIONS = frozenset({"round", "abs", "coalesce", "nullif"})


def sa_type(ftype: T | None) -> Any:
    """The SQLAlchemy type used for values of `ftype` (NullType for NULL)."""
    return SA_TYPES.get(ftype, sa.types.NULLTYPE)


def utc_naive(moment: datetime) -> datetime:
    """Naive UTC form of `moment` (aware values are converted, naive ones kept)."""
    if moment.tzinfo is not None:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


@dataclass
class SqlContext:
    """Per-compilation state: dialect, binder and environment, plus helpers."""

    dialect: str
    binder: Any
    env: EvalEnv
    extra: dict = field(default_factory=dict)
    aggregates: list = field(default_factory=list)  # SQL of the aggregate calls compiled so far

    @property
    def sqlite(self) -> bool:
        return self.dialect == "sqlite"

    # evaluating once --------------------------------------------------------
    def once(self, expr: Any, build: Callable[[Any], Any]) -> Any:
        """build(v) where v stands for `expr`: `expr` itself when it is cheap to repeat
        (see repeatable), else a reference to `expr` evaluated a single time, so that the
        SQL grows linearly however often build uses v and however deep the nesting."""
        return self.once_each((expr,), build)

    def once_each(self, exprs: Sequence[Any], build: Callable[..., Any]) -> Any:
        """build(*values), each value standing for the matching expression as in once()."""
        return once_each(exprs, build, self._inline)

    def _inline(self, expr: Any) -> bool:
        # An aggregate must stay at the level of the rows it aggregates: SQLite rejects it
        # inside a subquery, and PostgreSQL would count the subquery's one row in COUNT().
        return repeatable(expr) or self._has_aggregate(expr)

    def mark_aggregate(self, expr: Any) -> None:
        """Note that `expr` computes an aggregate over the rows (see _inline)."""
        self.aggregates.append(expr)

    def _has_aggregate(self, expr: Any) -> bool:
        if not self.aggregates:
            return False
        marked = {id(a) for a in self.aggregates}
        return any(id(e) in marked for e in sa.sql.visitors.iterate(expr))

    # literals -----------------------------------------------------------
    def literal(self, value: Any, ftype: T) -> Any:
        """A bound parameter (never inlined text) of the given formula type."""
        if value is None:
            return sa.null() if ftype == T.NULL else sa.cast(sa.null(), sa_type(ftype))
        if ftype == T.BOOLEAN:
            return sa.true() if value else sa.false()
        if ftype == T.MULTI_PICKLIST and not isinstance(value, str):
            value = ";".join(value) or None
        if ftype == T.DATETIME:
            value = utc_naive(value)
        return sa.literal(value, sa_type(ftype))

    def num(self, value: int | Decimal | str) -> Any:
        return sa.literal(Decimal(value), sa.Numeric())

    def int(self, value: int) -> Any:
        return sa.literal(int(value), sa.Integer())

    def text(self, value: str) -> Any:
        return sa.literal(value, sa.String())

    # numbers ------------------------------------------------------------
    def numeric(self, expr: Any) -> Any:
        """Force decimal (PostgreSQL) / floating (SQLite) arithmetic on `expr`."""
        return sa.cast(expr, sa.Float() if self.sqlite else sa.Numeric())

    def precise(self, expr: Any) -> Any:
        """PostgreSQL: numeric `expr` given 25 decimal places (SQLite: `expr` as it is).

        PostgreSQL sizes the scale of a quotient, an average, power, exp, ln, log and sqrt
        after their arguments' scales (16 significant digits at least), which can leave fewer
        than the 10 places Python computes: 999999999999.99 / 1000.50 would be off in the
        8th place. Adding a zero of scale 25 raises that scale and bounds no magnitude."""
        if self.sqlite:
            return expr
        return expr + sa.literal_column("0.0000000000000000000000000", sa.Numeric())

    def snap(self, expr: Any) -> Any:
        """On SQLite, round float noise away after arithmetic (exact decimals elsewhere)."""
        return self.round10(expr) if self.sqlite else expr

    def round10(self, expr: Any) -> Any:
        """`expr` rounded half away from zero to 10 places, typed Numeric."""
        rounded = sqlite_round10(expr) if self.sqlite else sa.func.round(expr, 10)
        return sa.type_coerce(rounded, sa.Numeric())

    def floor(self, expr: Any) -> Any:
        # SQLAlchemy's pysqlite dialect replaces SQLite's floor() with math.floor,
        # which fails on NULL; use our installed function there.
        if self.sqlite:
            return sa.func.tessera_floor(expr)
        return sa.func.floor(self.numeric(expr))

    def ceil(self, expr: Any) -> Any:
        return sa.func.tessera_ceil(expr) if self.sqlite else sa.func.ceil(self.numeric(expr))

    def int_arg(self, expr: Any, low: int = -1_000_000, high: int = 1_000_000) -> Any:
        """Truncate toward zero and clamp to [low, high] as an SQL integer."""
        if self.sqlite:
            return sa.cast(sa.func.max(sa.func.min(expr, high), low), sa.Integer())
        clamped = sa.func.greatest(sa.func.least(expr, high), low)
        return sa.cast(sa.func.trunc(clamped), sa.Integer())

    def divide(self, a: Any, b: Any) -> Any:
        """a / b rounded to 10 places, NULL for a zero divisor."""
        if self.sqlite:
            # SQLite divides by zero to NULL itself; a REAL dividend rules out integer division.
            return self.round10(real_divide(self.numeric(a), b))
        return self.round10(self.precise(self.numeric(a)) / sa.func.nullif(self.numeric(b), 0))

    # logic --------------------------------------------------------------
    def all_of(self, *terms: Any) -> Any:
        """Three-valued AND of `terms`, cheapest first on SQLite (see cheap_first)."""
        return sa.and_(*self.cheap_first(terms))

    def any_of(self, *terms: Any) -> Any:
        """Three-valued OR of `terms`, cheapest first on SQLite (see cheap_first)."""
        return sa.or_(*self.cheap_first(terms))

    def cheap_first(self, terms) -> list:
        """`terms` by estimated cost on SQLite, which evaluates AND/OR operands left to right
        and stops at the first decisive one. AND and OR are commutative in SQL's three-valued
        logic, so only the work changes; PostgreSQL orders conditions by cost itself."""
        return sorted(terms, key=sql_cost) if self.sqlite else list(terms)

    # text ---------------------------------------------------------------
    def ordered(self, expr: Any, ftype: T | None) -> Any:
        """Make text compare by code point on PostgreSQL whatever the database collation."""
        if not self.sqlite and ftype in (T.TEXT, T.PICKLIST):
            return sa.collate(expr, "C")
        return expr

    def position(self, haystack: Any, needle: Any) -> Any:
        """1-based position of needle in haystack (0 when absent), case-sensitive."""
        fn = sa.func.instr(haystack, needle) if self.sqlite else sa.func.strpos(haystack, needle)
        return sa.type_coerce(fn, sa.Integer())

    def concat(self, *parts: Any) -> Any:
        # String "+" renders as a flat, left-associative || chain.
        expr = sa.type_coerce(parts[0], sa.String())
        for part in parts[1:]:
            expr = expr + sa.type_coerce(part, sa.String())
        return sa.type_coerce(expr, sa.String())

    # dates --------------------------------------------------------------
    def valid_date(self, expr: Any) -> Any:
        """`expr` if it lies within 0001-01-01..9999-12-31, else NULL."""
        low, high = sa.literal(date(1, 1, 1), sa.Date()), sa.literal(date(9999, 12, 31), sa.Date())
        return self.once(expr, lambda d: sa.case((sa.and_(d >= low, d <= high), d),
                                                 else_=sa.null()))

    def sqlite_datetime(self, *args: Any) -> Any:
        """SQLite datetime text in SQLAlchemy's layout (microseconds as milliseconds + 000)."""
        return self.concat(sa.func.strftime(SQLITE_DATETIME, *args), sa.literal_column("'000'"))

    def epoch_seconds(self, expr: Any) -> Any:
        """Seconds since 1970 (fractional) of a datetime expression."""
        if self.sqlite:
            return self.once(expr, _sqlite_epoch_seconds)
        return sa.extract("epoch", expr)


def _sqlite_epoch_seconds(moment: Any) -> Any:
    """SQLite: seconds since 1970 of `moment`, which appears three times."""
    whole = sa.cast(sa.func.strftime("%s", moment), sa.Integer())
    frac = sa.cast(sa.func.strftime("%f", moment), sa.Float()) - sa.cast(
        sa.func.strftime("%S", moment), sa.Integer())
    return whole + frac


def sqlite_round10(x: Any) -> Any:
    """SQLite: REAL `x` rounded half away from zero to 10 places, avoiding printf where exact.

    SQLite's round(x, 10) prints x with printf and parses the text back, several times
    the cost of arithmetic, while round(y) with no digits is arithmetic. So:

    * |x| < 2**17: round(x * _SCALE_UP) / 10**10. For x nearest to a decimal d of at most
      10 places the product is within 0.45 of d * 10**10 (x's own error < 0.08, the
      multiplication's < 0.13, the nudge < 0.25), so d maps back to x. The nudge of one
      unit in the last place of 10**10 makes decimal ties that the double holds a hair
      low (0.0003 / 128) round away from zero;
    * 2**17 <= |x| < 2**19: round(x, 10), where the product is not precise enough;
    * |x| >= 2**19: x itself. Doubles there are spaced wider than 1e-10, so x is the
      double nearest to its own 10-place rounding.

    x appears four times; operands that are large or costly to evaluate again
    (subqueries, other functions) get plain round(x, 10) instead.
    """
    if not repeatable(x):
        return sa.func.round(x, 10)
    scaled = real_divide(sa.func.round(x * sa.literal(_SCALE_UP, sa.Float())),
                         sa.literal(1e10, sa.Float()))
    return sa.case(
        (x.between(-SCALED_ROUND_LIMIT, SCALED_ROUND_LIMIT), scaled),
        (x.between(-COARSE_LIMIT, COARSE_LIMIT), sa.func.round(x, 10)),
        else_=x,
    )


# Precedence of "/" (0, "always parenthesise", if SQLAlchemy ever stops exposing it).
_DIVISION = getattr(sa.sql.operators, "_PRECEDENCE", {}).get(sa.sql.operators.truediv, 0)


def real_divide(a: Any, b: Any) -> Any:
    """SQLite `a / b` for a REAL `a`, without the "+ 0.0" SQLAlchemy adds to every divisor."""
    divisor = b.self_group(against=sa.sql.operators.truediv)
    return sa.type_coerce(a.op("/", precedence=_DIVISION)(divisor), sa.Float())


_SUBQUERIES = (sa.sql.selectable.ScalarSelect, sa.sql.selectable.SelectBase, Once)


def repeatable(expr: Any) -> bool:
    """Whether evaluating `expr` several times is cheap: at most REPEAT_LIMIT elements,
    no subquery and no function call other than a few inexpensive built-ins."""
    for count, element in enumerate(sa.sql.visitors.iterate(expr), 1):
        if count > REPEAT_LIMIT or isinstance(element, _SUBQUERIES):
            return False
        if (isinstance(element, sa.sql.functions.FunctionElement)
                and element.name.lower() not in _CHEAP_FUNCTIONS):
            return False
    return True


def sql_cost(expr: Any) -> int:
    """Rough evaluation cost: one per SQL element, 100 more per subquery and 200 more per
    call of a Python-defined tessera_* function (each call crosses into Python)."""
    cost = 0
    for element in sa.sql.visitors.iterate(expr):
        cost += 1
        if isinstance(element, _SUBQUERIES):
            cost += 100
        elif (isinstance(element, sa.sql.functions.FunctionElement)
              and element.name.lower().startswith("tessera_")):
            cost += 200
    return cost


DAY_LIMIT = 3_660_000  # day offsets beyond this cannot stay within years 1..9999
_SQLITE_DT_LOW, _SQLITE_DT_HIGH = "0001-01-01 00:00:00.000000", "9999-12-31 23:59:59.999999"


def difference(ctx: SqlContext, left: Any, right: Any, ftype: T) -> Any:
    """left - right in days: whole for dates, fractional (10 places) for datetimes."""
    if ftype == T.DATE:
        if ctx.sqlite:
            return sa.cast(sa.func.julianday(left) - sa.func.julianday(right), sa.Integer())
        return sa.cast(left - right, sa.Numeric())
    return ctx.divide(ctx.epoch_seconds(left) - ctx.epoch_seconds(right), ctx.num(86400))


def shift(ctx: SqlContext, moment: Any, days: Any, ftype: T) -> Any:
    """date/datetime plus a (possibly negative) number of days; NULL when out of range.

    Dates move by whole days (truncated toward zero), datetimes by `days * 86400`
    seconds rounded to the nearest second.
    """
    move = _shift_date if ftype == T.DATE else _shift_datetime
    return ctx.once(days, lambda n: move(ctx, moment, n))


def _shift_date(ctx: SqlContext, moment: Any, days: Any) -> Any:
    """A date moved by `days` (a value safe to repeat), NULL out of range."""
    in_range = sa.func.abs(days) < DAY_LIMIT
    if ctx.sqlite:
        shifted = sa.func.date(sa.func.julianday(moment) + sa.cast(days, sa.Integer()))
        shifted = ctx.once(shifted, lambda d: sa.case((d >= "0001-01-01", d), else_=sa.null()))
    else:
        whole = sa.cast(sa.func.trunc(sa.case((in_range, days), else_=sa.null())), sa.Integer())
        shifted = ctx.once(moment, lambda m: _pg_shift_date(m, whole))
    return sa.case((in_range, shifted), else_=sa.null())


def _pg_shift_date(moment: Any, whole: Any) -> Any:
    """PostgreSQL: moment + whole days when that lies in years 1..9999, else NULL.

    The test sits inside the addition: PostgreSQL raises (it does not answer NULL) for a date
    before 4713 BC, which an offset below DAY_LIMIT reaches from early dates."""
    low, high = sa.literal(date(1, 1, 1), sa.Date()), sa.literal(date(9999, 12, 31), sa.Date())
    fits = sa.and_(whole >= sa.type_coerce(low - moment, sa.Integer()),
                   whole <= sa.type_coerce(high - moment, sa.Integer()))
    return moment + sa.case((fits, whole), else_=sa.null())


def _pg_shift_datetime(moment: Any, seconds: Any, low: datetime, high: datetime) -> Any:
    """PostgreSQL: moment + seconds, NULL (not an error, as PostgreSQL would raise before
    4713 BC) unless the result lies within low..high."""
    def room(bound):
        return sa.extract("epoch", sa.literal(bound, sa.DateTime()) - moment)
    fits = sa.and_(seconds >= room(low), seconds <= room(high))
    return moment + sa.func.make_interval(0, 0, 0, 0, 0, 0, sa.case((fits, seconds),
                                                                    else_=sa.null()))


def _shift_datetime(ctx: SqlContext, moment: Any, days: Any) -> Any:
    """A datetime moved by `days` (a value safe to repeat), NULL out of range."""
    in_range = sa.func.abs(days) < DAY_LIMIT
    seconds = sa.cast(sa.func.round(sa.case((in_range, days), else_=sa.null()) * 86400),
                      sa.Integer() if ctx.sqlite else sa.BigInteger())
    if ctx.sqlite:
        modifier = ctx.concat(sa.cast(seconds, sa.String()), sa.literal_column("' seconds'"))
        shifted, low, high = ctx.sqlite_datetime(moment, modifier), _SQLITE_DT_LOW, _SQLITE_DT_HIGH
    else:
        low, high = datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)
        shifted = ctx.once(moment, lambda m: _pg_shift_datetime(m, seconds, low, high))
    checked = ctx.once(shifted, lambda s: sa.case((sa.and_(s >= low, s <= high), s),
                                                  else_=sa.null()))
    return sa.case((in_range, checked), else_=sa.null())
