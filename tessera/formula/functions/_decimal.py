"""Decimal helpers shared by the Python implementations (and SQLite's installed functions)."""
from __future__ import annotations

from decimal import (
    MAX_PREC, ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation,
)

# Wide working precision so that rounding to 10 places never loses integer digits.
CTX = Context(prec=60, rounding=ROUND_HALF_UP, Emax=10**6, Emin=-10**6)
# Rounding to a number of places and MOD's remainder are exact at any magnitude (as on
# PostgreSQL): with the working precision they would fail once the result needs more than
# 60 digits (ROUND(1e300, 2), MOD(1e300, 0.0000001)). Its precision only bounds the result.
WIDE = Context(prec=MAX_PREC, rounding=ROUND_HALF_UP, Emax=CTX.Emax, Emin=CTX.Emin)
SCALE = 10  # results of division and transcendental functions keep 10 decimal places
Q10 = Decimal(1).scaleb(-SCALE)
LIMIT = Decimal("1e15")  # POWER/EXP results at or beyond this magnitude are NULL
ZERO, ONE = Decimal(0), Decimal(1)


def q10(value: Decimal) -> Decimal:
    """Round half away from zero to 10 decimal places (exact at any magnitude)."""
    return value.quantize(Q10, context=WIDE)


def div(a: Decimal, b: Decimal) -> Decimal | None:
    """a / b rounded to 10 places; NULL when b is zero."""
    if not b:
        return None
    return q10(CTX.divide(a, b))


def to_int(value: Decimal, low: int = -1_000_000, high: int = 1_000_000) -> int:
    """Truncate toward zero and clamp into [low, high] (lengths, positions, offsets)."""
    return int(max(min(value, high), low))


def round_half_up(value: Decimal, digits: int = 0) -> Decimal:
    """Excel/Salesforce ROUND: half away from zero at `digits` places (may be negative)."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=WIDE)


def truncate(value: Decimal, digits: int = 0) -> Decimal:
    """Cut toward zero at `digits` places."""
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN, context=WIDE)


def floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR, context=CTX)


def ceiling(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING, context=CTX)


def mod(a: Decimal, b: Decimal) -> Decimal | None:
    """Excel MOD: the remainder takes the divisor's sign; NULL when b is zero. Exact at any
    magnitude: MOD(1e300, 0.0000001) = 0."""
    if not b:
        return None
    r = WIDE.remainder(a, b)
    if r and (r < 0) != (b < 0):
        r = CTX.add(r, b)
    return r


def capped(value: Decimal) -> Decimal | None:
    """Round to 10 places, or NULL when the magnitude reaches LIMIT."""
    return None if abs(value) >= LIMIT else q10(value)


def power(base: Decimal, exponent: Decimal) -> Decimal | None:
    """base ** exponent rounded to 10 places; NULL if undefined or |result| >= 1e15."""
    if base == 0:
        if exponent > 0:
            return ZERO
        return ONE if exponent == 0 else None
    if base < 0 and exponent != exponent.to_integral_value():
        return None
    size = CTX.multiply(exponent, CTX.ln(abs(base)))
    if size >= 35:
        return None
    if size <= -35:
        return ZERO
    try:
        return capped(CTX.power(base, exponent))
    except InvalidOperation:  # pragma: no cover - guarded above
        return None


def exp(x: Decimal) -> Decimal | None:
    if x >= 35:
        return None
    if x <= -35:
        return ZERO
    return capped(CTX.exp(x))


def sqrt(x: Decimal) -> Decimal | None:
    return None if x < 0 else q10(CTX.sqrt(x))


def ln(x: Decimal) -> Decimal | None:
    return None if x <= 0 else q10(CTX.ln(x))


def log10(x: Decimal) -> Decimal | None:
    return None if x <= 0 else q10(CTX.log10(x))


def number_text(value: Decimal | int | float) -> str:
    """Canonical text of a number: plain notation, no exponent, no trailing zeros."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    value = Decimal(value)
    if not value:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
