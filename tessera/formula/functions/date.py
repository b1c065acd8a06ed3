"""Date and time functions. DATETIMEs are naive UTC; WEEKDAY counts 1=Sunday..7=Saturday."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from .. import pyruntime as R
from ..nodes import GlobalRef
from ..sqlsupport import difference, shift
from ..types import FormulaType as T
from . import _decimal as D
from .registry import ArgumentError, FunctionSpec, TypeCall, register_function

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_DATETIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})",
                          re.ASCII)
_PG_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PG_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
_GLOB_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_GLOB_TIME = " [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
_MONTH_LIMIT = 120_000  # month offsets beyond this leave years 1..9999


# Python implementations --------------------------------------------------
def make_date(year: Decimal, month: Decimal, day: Decimal) -> date | None:
    """DATE(y, m, d) with parts truncated toward zero; NULL for impossible dates."""
    try:
        return date(D.to_int(year, 0, 10000), D.to_int(month, 0, 13), D.to_int(day, 0, 32))
    except ValueError:
        return None


def date_value(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_RE.fullmatch(value)
    return make_date(*map(Decimal, match.groups())) if match else None


def datetime_value(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    match = _DATETIME_RE.fullmatch(value)
    if match:
        try:
            return datetime(*map(int, match.groups()))
        except ValueError:
            return None
    day = date_value(value)
    return datetime(day.year, day.month, day.day) if day else None


def add_months(day: date, months: Decimal) -> date | None:
    """Same day n months later, clamped to the month's end (Jan 31 + 1 = Feb 28/29)."""
    k = D.to_int(months, -_MONTH_LIMIT, _MONTH_LIMIT)
    year, month = divmod(day.year * 12 + day.month - 1 + k, 12)
    if not 1 <= year <= 9999:
        return None
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def end_of_month(day: date, months: Decimal) -> date | None:
    first = add_months(day.replace(day=1), months)
    if first is None:
        return None
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def weekday(value) -> Decimal:
    return Decimal(value.isoweekday() % 7 + 1)


def fiscal_year(env, value) -> Decimal:
    start = env.fiscal_year_start_month
    return Decimal(value.year + (1 if start > 1 and value.month >= start else 0))


# SQL helpers -------------------------------------------------------------
def _part(call, sqlite_fmt: str, pg_field: str, i: int = 0):
    return _part_of(call.ctx, call.args[i], sqlite_fmt, pg_field)


def _part_of(ctx, x, sqlite_fmt: str, pg_field: str):
    if ctx.sqlite:
        return sa.cast(sa.func.strftime(sqlite_fmt, x), sa.Integer())
    return sa.cast(sa.extract(pg_field, x), sa.Numeric())


def date_sql(ctx, year, month, day):
    """DATE(y, m, d) in SQL: NULL (never an error) for impossible dates."""
    whole = sa.func.trunc if not ctx.sqlite else lambda p: sa.cast(p, sa.Integer())
    build = _sqlite_date if ctx.sqlite else _pg_date
    return ctx.once_each([whole(p) for p in (year, month, day)],
                         lambda y, m, d: build(ctx, y, m, d))


def _date_parts_ok(y, m, d):
    return sa.and_(y >= 1, y <= 9999, m >= 1, m <= 12, d >= 1, d <= 31)


def _sqlite_date(ctx, y, m, d):
    """SQLite DATE of whole parts, each used several times (see date_sql)."""
    text = sa.func.printf("%04d-%02d-%02d", y, m, d)
    ok = sa.and_(_date_parts_ok(y, m, d), sa.func.date(text, "+0 days") == text)
    return sa.case((ok, text), else_=sa.null())


def _pg_date(ctx, y, m, d):
    """PostgreSQL DATE of whole parts, each used several times (see date_sql)."""
    # The guard sits inside make_date's arguments: PostgreSQL may fold constant
    # arguments at plan time, whatever CASE surrounds the call.
    ok = _date_parts_ok(y, m, d)
    guard = [sa.cast(sa.case((ok, p), else_=sa.null()), sa.Integer()) for p in (y, m, d)]
    candidate = sa.func.make_date(guard[0], guard[1], 1) + (guard[2] - 1)
    same_month = sa.cast(sa.extract("month", candidate), sa.Integer()) == guard[1]
    return sa.case((same_month, candidate), else_=sa.null())


def _datevalue_sql(call):
    ctx, x, ftype = call.ctx, call.args[0], call.types[0]
    if ftype == T.DATE:
        return x
    if ftype == T.DATETIME:
        return sa.func.date(x) if ctx.sqlite else sa.cast(x, sa.Date())
    if ctx.sqlite:
        return ctx.once(x, _sqlite_text_date)
    return _pg_text_date(ctx, x, _PG_DATE)


def _sqlite_text_date(x):
    ok = sa.and_(x.op("GLOB")(_GLOB_DATE), x >= "0001", sa.func.date(x, "+0 days") == x)
    return sa.case((ok, x), else_=sa.null())


def _pg_text_date(ctx, x, pattern):
    """The date of text `x` matching `pattern` (YYYY-MM-DD first), else NULL (PostgreSQL)."""
    def build(x):
        piece = lambda a, n: sa.cast(sa.case((x.op("~")(pattern), sa.func.substr(x, a, n)),  # noqa
                                             else_=sa.null()), sa.Numeric())
        return date_sql(ctx, piece(1, 4), piece(6, 2), piece(9, 2))
    return ctx.once(x, build)


def _datetimevalue_sql(call):
    ctx, x, ftype = call.ctx, call.args[0], call.types[0]
    if ftype == T.DATETIME:
        return x
    if ftype == T.DATE:
        if ctx.sqlite:
            return ctx.concat(x, sa.literal_column("' 00:00:00.000000'"))
        return sa.cast(x, sa.DateTime())
    if ctx.sqlite:
        return ctx.once(x, lambda x: _sqlite_text_datetime(ctx, x))
    return ctx.once(x, lambda x: _pg_text_datetime(ctx, x))


def _sqlite_text_datetime(ctx, x):
    full = sa.and_(x.op("GLOB")(_GLOB_DATE + _GLOB_TIME), x >= "0001",
                   sa.func.strftime("%Y-%m-%d %H:%M:%S", x, "+0 seconds") == x)
    day_only = sa.and_(x.op("GLOB")(_GLOB_DATE), x >= "0001", sa.func.date(x, "+0 days") == x)
    return sa.case((full, ctx.concat(x, sa.literal_column("'.000000'"))),
                   (day_only, ctx.concat(x, sa.literal_column("' 00:00:00.000000'"))),
                   else_=sa.null())


def _pg_text_datetime(ctx, x):
    """PostgreSQL DATETIMEVALUE of text `x`; every part is NULL, never an error, when
    `x` does not have its layout, so all of them may be computed up front."""
    day = _pg_text_date(ctx, sa.func.substr(x, 1, 10), _PG_DATE)
    is_full = x.op("~")(_PG_DATETIME)
    piece = lambda a: sa.cast(sa.case((is_full, sa.func.substr(x, a, 2)), else_=sa.null()),  # noqa
                              sa.Integer())

    def build(day, h, mi, s):
        time_ok = sa.and_(h < 24, mi < 60, s < 60)
        stamp = sa.cast(day, sa.DateTime()) + sa.func.make_interval(
            0, 0, 0, 0, sa.case((time_ok, h), else_=sa.null()), mi, s)
        return sa.case((is_full, sa.case((time_ok, stamp), else_=sa.null())),
                       (x.op("~")(_PG_DATE), sa.cast(day, sa.DateTime())), else_=sa.null())
    return ctx.once_each((day, piece(12), piece(15), piece(18)), build)


def _addmonths_sql(call):
    ctx = call.ctx
    k = ctx.int_arg(call.args[1], -_MONTH_LIMIT, _MONTH_LIMIT)
    if ctx.sqlite:
        return ctx.once_each((call.args[0], k), lambda d, k: _sqlite_addmonths(ctx, d, k))
    return ctx.once_each((call.args[0], k),
                         lambda d, k: sa.cast(_pg_add_months(d, k, 0), sa.Date()))


def _pg_add_months(d, k, extra):
    """PostgreSQL: d + (k + extra) months, NULL unless month k from d lies in years 1..9999.

    The guard sits inside make_interval: PostgreSQL raises (it does not answer NULL) once
    a timestamp leaves its own range, 4713 BC, which the clamped offset can reach."""
    index = sa.extract("year", d) * 12 + sa.extract("month", d) - 1 + k
    months = sa.case((sa.and_(index >= 12, index < 120_000), k + extra), else_=sa.null())
    return d + sa.func.make_interval(0, months)


def _sqlite_addmonths(ctx, d, k):
    """SQLite ADDMONTHS of date text `d` and whole months `k`, both used several times."""
    first = sa.func.date(d, "start of month", ctx.concat(sa.cast(k, sa.String()),
                                                         sa.literal_column("' months'")))
    day = sa.cast(sa.func.strftime("%d", d), sa.Integer())
    return ctx.once(first, lambda first: _sqlite_day_in_month(ctx, first, day))


def _sqlite_day_in_month(ctx, first, day):
    """The `day`-th of the month starting at `first`, clamped to the month's last day."""
    offset = ctx.concat(sa.cast(sa.func.min(day, _sqlite_month_length(first)) - 1, sa.String()),
                        sa.literal_column("' days'"))
    return sa.case((first >= "0001-01-01", sa.func.date(first, offset)), else_=sa.null())


def _sqlite_month_length(first):
    """Days in the month starting at date text `first`. December is spelled out: SQLite's
    date() answers NULL for the month after December 9999, so `+1 month` cannot find it."""
    following = sa.func.date(first, "+1 month", "-1 day")
    return sa.case((sa.func.strftime("%m", first) == "12", 31),
                   else_=sa.cast(sa.func.strftime("%d", following), sa.Integer()))


def _sqlite_eomonth(ctx, first):
    days = ctx.concat(sa.cast(_sqlite_month_length(first) - 1, sa.String()),
                      sa.literal_column("' days'"))
    return sa.case((first >= "0001-01-01", sa.func.date(first, days)), else_=sa.null())


def _eomonth_sql(call):
    ctx, d = call.ctx, call.args[0]
    k = ctx.int_arg(call.args[1], -_MONTH_LIMIT, _MONTH_LIMIT)
    if ctx.sqlite:
        months = ctx.concat(sa.cast(k, sa.String()), sa.literal_column("' months'"))
        first = sa.func.date(d, "start of month", months)
        return ctx.once(first, lambda f: _sqlite_eomonth(ctx, f))
    start = sa.func.date_trunc("month", sa.cast(d, sa.DateTime()))
    return ctx.once_each((start, k), lambda start, k: ctx.valid_date(sa.cast(
        _pg_add_months(start, k, 1) - sa.text("interval '1 day'"), sa.Date())))


def _isoweek_sql(call):
    ctx, d = call.ctx, call.args[0]
    if ctx.sqlite:
        thursday = sa.func.date(d, "-3 days", "weekday 4")
        return (sa.cast(sa.func.strftime("%j", thursday), sa.Integer()) - 1) // 7 + 1
    return sa.cast(sa.extract("week", d), sa.Numeric())


def _weekday_sql(call):
    return _part(call, "%w", "dow") + 1


def _quarter_sql(call):
    ctx = call.ctx
    if ctx.sqlite:
        return (sa.cast(sa.func.strftime("%m", call.args[0]), sa.Integer()) + 2) // 3
    return sa.cast(sa.extract("quarter", call.args[0]), sa.Numeric())


def _fiscal_sql(call):
    ctx = call.ctx
    start = ctx.env.fiscal_year_start_month

    def build(d):
        month = _part_of(ctx, d, "%m", "month")
        bump = sa.case((sa.and_(ctx.int(start) > 1, month >= ctx.int(start)), 1), else_=0)
        return _part_of(ctx, d, "%Y", "year") + bump
    return ctx.once(call.args[0], build)


def _today_py(em, node):
    return em.expr(GlobalRef(node.pos, "today"))


def _now_py(em, node):
    return em.expr(GlobalRef(node.pos, "now"))


def _diff_type(call: TypeCall) -> T:
    first = call.require(0, "temporal")
    second = call.require(1, "temporal")
    if T.NULL not in (first, second) and first != second:
        raise ArgumentError(1, "temporal")
    return T.NUMBER


def _to_date_type(call: TypeCall) -> T:
    if call.types[0] not in (T.TEXT, T.PICKLIST, T.DATE, T.DATETIME, T.NULL):
        raise ArgumentError(0, "text")
    return T.DATE


def _to_datetime_type(call: TypeCall) -> T:
    _to_date_type(call)
    return T.DATETIME


def _d(name, params, returns, python, sql, signature, summary, example, **kw):
    return FunctionSpec(name, "date", params, returns=returns, python=python, sql=sql,
                        signature=signature, summary=summary, example=example, **kw)


def _part_spec(name, attr, fmt, field, params=("temporal",)):
    return _d(name, params, T.NUMBER, lambda v: Decimal(getattr(v, attr)),
              lambda c: _part(c, fmt, field), f"{name}({params[0]})",
              f"the {attr} of a {'date or ' if params[0] == 'temporal' else ''}datetime",
              f"{name}(DATETIMEVALUE(\"2024-03-05 14:30:00\"))")


def _register() -> None:
    specs = [
        _d("TODAY", (), T.DATE, lambda env: env.today,
           lambda c: c.ctx.literal(c.ctx.env.today, T.DATE), "TODAY()",
           "the org's current date (EvalEnv.today)", "TODAY() - close_date", needs_env=True,
           never_null=True),
        _d("NOW", (), T.DATETIME, R.now, lambda c: c.ctx.literal(c.ctx.env.now, T.DATETIME),
           "NOW()", "the current UTC datetime (EvalEnv.now)", "NOW() - created_at",
           needs_env=True, never_null=True, inline_python=_now_py),
        _d("DATE", ("number", "number", "number"), T.DATE, make_date,
           lambda c: date_sql(c.ctx, *c.args), "DATE(year, month, day)",
           "the date; NULL when it does not exist", "DATE(2024, 2, 29)"),
        FunctionSpec("DATEVALUE", "date", ("text",), type_rule=_to_date_type,
                     python=date_value, sql=_datevalue_sql, signature="DATEVALUE(text|datetime)",
                     summary='date from "YYYY-MM-DD" text (NULL if invalid) or a datetime\'s date',
                     example='DATEVALUE("2024-02-29")'),
        FunctionSpec("DATETIMEVALUE", "date", ("text",), type_rule=_to_datetime_type,
                     python=datetime_value, sql=_datetimevalue_sql,
                     signature="DATETIMEVALUE(text|date)",
                     summary='datetime from "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DD" text (UTC), '
                     "or a date at midnight", example='DATETIMEVALUE("2024-02-29 13:45:00")'),
        _part_spec("YEAR", "year", "%Y", "year"),
        _part_spec("MONTH", "month", "%m", "month"),
        _part_spec("DAY", "day", "%d", "day"),
        _part_spec("HOUR", "hour", "%H", "hour", ("datetime",)),
        _part_spec("MINUTE", "minute", "%M", "minute", ("datetime",)),
        _d("WEEKDAY", ("temporal",), T.NUMBER, weekday, _weekday_sql, "WEEKDAY(date)",
           "day of the week, 1 = Sunday ... 7 = Saturday", "WEEKDAY(DATE(2024, 1, 7)) = 1"),
        _d("DAYOFYEAR", ("temporal",), T.NUMBER, lambda v: Decimal(v.timetuple().tm_yday),
           lambda c: _part(c, "%j", "doy"), "DAYOFYEAR(date)", "1..366",
           "DAYOFYEAR(DATE(2024, 2, 1)) = 32"),
        _d("ISOWEEK", ("temporal",), T.NUMBER, lambda v: Decimal(v.isocalendar()[1]),
           _isoweek_sql, "ISOWEEK(date)", "ISO 8601 week number (weeks start on Monday)",
           "ISOWEEK(DATE(2021, 1, 3)) = 53"),
        _d("QUARTER", ("temporal",), T.NUMBER, lambda v: Decimal((v.month + 2) // 3),
           _quarter_sql, "QUARTER(date)", "calendar quarter 1..4", "QUARTER(DATE(2024, 5, 1)) = 2"),
        _d("ADDMONTHS", ("date", "number"), T.DATE, add_months, _addmonths_sql,
           "ADDMONTHS(date, months)", "same day n months later, clamped to the month end",
           "ADDMONTHS(DATE(2024, 1, 31), 1) = 2024-02-29"),
        _d("ADDDAYS", ("date", "number"), T.DATE, R.add_days,
           lambda c: shift(c.ctx, c.args[0], c.args[1], T.DATE), "ADDDAYS(date, days)",
           "date + days (truncated toward zero); same as date + days",
           "ADDDAYS(DATE(2024, 2, 28), 2) = 2024-03-01"),
        FunctionSpec("DATEDIFF", "date", ("temporal", "temporal"), type_rule=_diff_type,
                     inline_python=lambda em, n: em.strict(
                         n.args, lambda v: em.days(v[1], v[0]) if n.args[0].type == T.DATE
                         else em.call_impl(R.days_between_dt, [v[1], v[0]])),
                     sql=lambda c: difference(c.ctx, c.args[1], c.args[0],
                                              T.DATE if c.types[0] == T.DATE else T.DATETIME),
                     signature="DATEDIFF(start, end)",
                     summary="end - start in days (fractional for datetimes)",
                     example="DATEDIFF(DATE(2024, 1, 1), DATE(2024, 3, 1)) = 60"),
        _d("EOMONTH", ("date", "number"), T.DATE, end_of_month, _eomonth_sql,
           "EOMONTH(date, months)", "last day of the month n months away",
           "EOMONTH(DATE(2024, 1, 15), 1) = 2024-02-29"),
        _d("FISCALYEAR", ("temporal",), T.NUMBER, fiscal_year, _fiscal_sql, "FISCALYEAR(date)",
           "fiscal year, named after the calendar year in which it ends "
           "(start month from EvalEnv.fiscal_year_start_month)",
           "with start month 4: FISCALYEAR(DATE(2024, 5, 1)) = 2025", needs_env=True),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
