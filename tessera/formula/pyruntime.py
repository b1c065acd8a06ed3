"""Runtime helpers called by code generated in pycompile (operators and plumbing)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .errors import FormulaEvalError, make_diagnostic
from .sqlsupport import DAY_LIMIT, utc_naive

_SECONDS_PER_DAY = Decimal(86400)


def lookup(env, record, hops, name):
    """Follow lookup `hops` ((field, target object), ...) from `record` and read `name`."""
    current = record
    for field, target in hops:
        key = current.get(field)
        if key is None:
            return None
        if env.fetch is None:
            raise FormulaEvalError([make_diagnostic("", "evaluation_error", 1, 1, 2, "",
                                                    detail="lookup needs EvalEnv.fetch")])
        current = env.fetch(target, key)
        if current is None:
            return None
    return current.get(name)


def now(env) -> datetime:
    return utc_naive(env.now)


def add_days(day: date, n: Decimal) -> date | None:
    """date + n days (n truncated toward zero); NULL outside years 1..9999."""
    if abs(n) >= DAY_LIMIT:
        return None
    try:
        return day + timedelta(days=int(n))
    except OverflowError:
        return None


def sub_days(day: date, n: Decimal) -> date | None:
    return add_days(day, -n)


def add_days_dt(moment: datetime, n: Decimal) -> datetime | None:
    """datetime + n days, rounded to whole seconds; NULL outside years 1..9999."""
    if abs(n) >= DAY_LIMIT:
        return None
    seconds = int((n * _SECONDS_PER_DAY).to_integral_value(rounding=ROUND_HALF_UP))
    try:
        return moment + timedelta(seconds=seconds)
    except OverflowError:
        return None


def sub_days_dt(moment: datetime, n: Decimal) -> datetime | None:
    return add_days_dt(moment, -n)


def days_between_dt(a: datetime, b: datetime) -> Decimal:
    """a - b in days, fractional, rounded to 10 places."""
    from .functions._decimal import div

    delta = a - b
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return div(Decimal(micros).scaleb(-6), _SECONDS_PER_DAY)


def values(rows, env, fn):
    """Evaluate a row function over every row (aggregate arguments)."""
    return [fn(row, env) for row in rows]


def eval_error(exc: Exception) -> FormulaEvalError:
    if isinstance(exc, FormulaEvalError):
        return exc
    detail = f"{type(exc).__name__}: {exc}"
    return FormulaEvalError([make_diagnostic("", "evaluation_error", 1, 1, 2, "", detail=detail)])
