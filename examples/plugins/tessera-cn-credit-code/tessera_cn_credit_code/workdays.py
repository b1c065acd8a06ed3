"""``WORKDAYS(start, end)``: how many Mondays to Fridays lie between two dates.

Both ends count (``WORKDAYS(d, d)`` is 1 when ``d`` is a weekday, 0 on a weekend). When
``end`` is before ``start`` the answer is the negative of ``WORKDAYS(end, start)``. Either
argument NULL gives NULL. Public holidays are not known to it.

The count has a closed form, so SQLite and PostgreSQL compute it without a calendar
table: with days numbered from Monday 0001-01-01 (day 0), the weekdays before day ``n``
number ``5 * (n div 7) + min(n mod 7, 5)``.
"""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from tessera.formula import FormulaType, FunctionSpec

EPOCH = date(1, 1, 1)  # a Monday


def _weekdays_before(day_number):
    weeks, rest = divmod(day_number, 7)
    return 5 * weeks + min(rest, 5)


def workdays(start, end):
    """Mondays to Fridays from ``start`` to ``end``, both included (negative when end < start)."""
    low, high = sorted((start.toordinal() - 1, end.toordinal() - 1))
    count = _weekdays_before(high + 1) - _weekdays_before(low)
    return Decimal(-count if end < start else count)


def _day_number(ctx, value):
    if ctx.sqlite:
        return sa.cast(sa.func.julianday(value) - sa.func.julianday(EPOCH.isoformat()), sa.Integer())
    return sa.cast(value - sa.literal(EPOCH, sa.Date()), sa.Integer())


def _weekdays_before_sql(n):
    rest = n % 7
    return 5 * (n // 7) + sa.case((rest > 5, 5), else_=rest)


def workdays_sql(call):
    """The same count in SQL, for SQLite and PostgreSQL alike."""
    ctx = call.ctx

    def build(start, end):
        backwards = end < start
        low = sa.case((backwards, end), else_=start)
        high = sa.case((backwards, start), else_=end)
        count = _weekdays_before_sql(_day_number(ctx, high) + 1) - _weekdays_before_sql(_day_number(ctx, low))
        return sa.case((backwards, -count), else_=count)
    return ctx.once_each((call.args[0], call.args[1]), build)


WORKDAYS = FunctionSpec(
    "WORKDAYS", "plugin", ("date", "date"), FormulaType.NUMBER, workdays, workdays_sql,
    signature="WORKDAYS(start, end)",
    summary="Mondays to Fridays from start to end, both included; negative when end is before start.",
    example="WORKDAYS(DATE(2024, 1, 1), DATE(2024, 1, 7)) = 5",
)
