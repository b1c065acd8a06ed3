"""Math functions: ABS, CEILING, FLOOR, ROUND, TRUNC, MOD, POWER, SQRT, EXP, LN, LOG, MIN, MAX, SIGN."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from .. import pyast as P
from ..operators import unify
from ..types import NUMERIC_TYPES, TEMPORAL_TYPES, TEXT_TYPES, FormulaType as T
from . import _decimal as D
from .registry import ArgumentError, FunctionSpec, TypeCall, register_function

_DIGITS = 18  # ROUND/TRUNC digits are clamped to [-18, 18]


def _digits(value: Decimal | None) -> int:
    return 0 if value is None else D.to_int(value, -_DIGITS, _DIGITS)


def round_py(value: Decimal, digits: Decimal | None = None) -> Decimal:
    return D.round_half_up(value, _digits(digits))


def trunc_py(value: Decimal, digits: Decimal | None = None) -> Decimal:
    return D.truncate(value, _digits(digits))


def sign_py(value: Decimal) -> Decimal:
    return Decimal((value > 0) - (value < 0))


def _round_py(em, node):
    """ROUND with literal (or no) digits becomes value.quantize(<constant>, HALF_UP, WIDE)."""
    digits = node.args[1] if len(node.args) > 1 else None
    if digits is not None and not (type(digits).__name__ == "Literal" and digits.value is not None):
        return em.strict(node.args, lambda v: em.call_impl(round_py, v))
    exponent = Decimal(1).scaleb(-_digits(digits.value if digits is not None else None))
    mode = em.const(D.ROUND_HALF_UP)
    return em.strict(node.args[:1], lambda v: P.call(
        P.attr(v[0], "quantize"), em.const(exponent), mode,
        em.const(D.WIDE)))


def _digits_sql(call):
    return call.ctx.int_arg(call.args[1], -_DIGITS, _DIGITS) if len(call.args) > 1 else 0


def _round_sql(call):
    digits = _digits_sql(call)
    if call.ctx.sqlite:
        return sa.func.tessera_round(call.args[0], digits)
    return sa.func.round(call.ctx.numeric(call.args[0]), digits)


def _trunc_sql(call):
    digits = _digits_sql(call)
    if call.ctx.sqlite:
        return sa.func.tessera_trunc(call.args[0], digits)
    return sa.func.trunc(call.ctx.numeric(call.args[0]), digits)


def _mod_sql(call):
    ctx, (a, b) = call.ctx, call.args
    if ctx.sqlite:
        return sa.func.tessera_mod(a, b)
    return ctx.once_each((ctx.numeric(a), ctx.numeric(b)), _pg_mod)


def _pg_mod(a, b):
    r = sa.func.mod(a, sa.func.nullif(b, 0))
    return sa.case((sa.and_(r != 0, (r < 0) != (b < 0)), r + b), else_=r)


def power_sql(ctx, base, exponent):
    """POWER/^ in SQL with the same guards as the Python form (NULL when undefined/huge).

    Guards sit inside the function arguments, not only in CASE branches, because
    PostgreSQL may fold constant arguments at plan time and raise there.
    """
    if not ctx.sqlite:
        base, exponent = ctx.numeric(base), ctx.precise(ctx.numeric(exponent))
    return ctx.once_each((base, exponent), lambda b, e: _power(ctx, b, e))


def _power(ctx, base, exponent):
    size = exponent * sa.func.ln(sa.func.abs(sa.func.nullif(base, 0)))
    defined = sa.and_(sa.or_(base > 0, exponent == ctx.floor(exponent)), size < 35, size > -35)
    raw = sa.func.power(sa.case((defined, base), else_=sa.null()), exponent)
    capped = sa.case((sa.func.abs(raw) >= D.LIMIT, sa.null()), else_=ctx.round10(raw))
    return sa.case(
        (base == 0, sa.case((exponent > 0, ctx.num(0)), (exponent == 0, ctx.num(1)), else_=sa.null())),
        (sa.and_(base < 0, exponent != ctx.floor(exponent)), sa.null()),
        (size >= 35, sa.null()),
        (size <= -35, ctx.num(0)),
        else_=capped,
    )


def _guarded(call, test, fn):
    """fn(x) rounded to 10 places when test(x) holds, else NULL (guard inside the call)."""
    ctx = call.ctx
    x = call.args[0] if ctx.sqlite else ctx.precise(ctx.numeric(call.args[0]))
    return ctx.round10(ctx.once(x, lambda x: fn(sa.case((test(x), x), else_=sa.null()))))


def _exp_sql(call):
    ctx = call.ctx
    x = call.args[0] if ctx.sqlite else ctx.precise(ctx.numeric(call.args[0]))
    return ctx.once(x, lambda x: _exp(ctx, x))


def _exp(ctx, x):
    raw = sa.func.exp(sa.case((sa.and_(x < 35, x > -35), x), else_=sa.null()))
    capped = sa.case((raw >= D.LIMIT, sa.null()), else_=ctx.round10(raw))
    return sa.case((x <= -35, ctx.num(0)), else_=capped)


def _sign_sql(call):
    ctx = call.ctx
    return ctx.once(call.args[0], lambda x: sa.case(
        (x > 0, ctx.num(1)), (x < 0, ctx.num(-1)), (x == 0, ctx.num(0))))


def _minmax_type(call: TypeCall) -> T:
    result = unify(call.types)
    ok = result is not None and (result in NUMERIC_TYPES | TEXT_TYPES | TEMPORAL_TYPES
                                 or result == T.NULL)
    if not ok:
        got = ", ".join(sorted({str(t) for t in call.types}))
        raise ArgumentError(len(call.types) - 1, "", code="mixed_types", got=got)
    return T.NUMBER if result == T.NULL else result


def _minmax_py(pick):
    def impl(*values):
        present = [v for v in values if v is not None]
        return pick(present) if present else None
    return impl


def _minmax_sql(sqlite_fn, pg_fn):
    def build(call):
        ctx, args = call.ctx, [call.ctx.ordered(a, t) for a, t in zip(call.args, call.types)]
        if len(args) == 1:
            return args[0]
        if not ctx.sqlite:
            return getattr(sa.func, pg_fn)(*args)
        return ctx.once_each(args, lambda *values: _sqlite_minmax(sqlite_fn, values))
    return build


def _sqlite_minmax(name, args):
    # SQLite's scalar min/max return NULL if any argument is NULL: substitute the others.
    filled = [sa.func.coalesce(a, *[b for j, b in enumerate(args) if j != i])
              for i, a in enumerate(args)]
    return getattr(sa.func, name)(*filled)


def _num_spec(name, python, sql, summary, example, params=("number",), returns="arg0", **kw):
    return FunctionSpec(name, "math", params, returns=returns, python=python, sql=sql,
                        summary=summary, example=example,
                        signature=kw.pop("signature", f"{name}(number)"), **kw)


def _register() -> None:
    num = lambda c: c.ctx.numeric(c.args[0])  # noqa: E731 - tiny adapter
    specs = [
        _num_spec("ABS", abs, lambda c: sa.func.abs(c.args[0]), "absolute value", "ABS(-3) = 3"),
        _num_spec("CEILING", D.ceiling, lambda c: c.ctx.ceil(c.args[0]),
                  "smallest integer >= number", "CEILING(2.1) = 3"),
        _num_spec("FLOOR", D.floor, lambda c: c.ctx.floor(c.args[0]),
                  "largest integer <= number", "FLOOR(-2.1) = -3"),
        _num_spec("ROUND", round_py, _round_sql,
                  "round half away from zero to digits places (digits may be negative, clamped to +-18)",
                  "ROUND(2.5) = 3, ROUND(-2.5) = -3, ROUND(1234.5, -2) = 1200",
                  params=("number", "number"), min_args=1, signature="ROUND(number, [digits])",
                  inline_python=_round_py),
        _num_spec("TRUNC", trunc_py, _trunc_sql, "cut toward zero at digits places",
                  "TRUNC(-2.7) = -2, TRUNC(2.789, 2) = 2.78", params=("number", "number"),
                  min_args=1, signature="TRUNC(number, [digits])"),
        _num_spec("MOD", D.mod, _mod_sql, "remainder with the sign of the divisor; NULL for 0",
                  "MOD(-3, 2) = 1, MOD(7, 0) = NULL", params=("number", "number"),
                  signature="MOD(number, divisor)"),
        _num_spec("POWER", D.power, lambda c: power_sql(c.ctx, *c.args),
                  "number ^ exponent rounded to 10 places; NULL if undefined or >= 1e15",
                  "POWER(2, 10) = 1024", params=("number", "number"), returns=T.NUMBER,
                  signature="POWER(number, exponent)"),
        _num_spec("SQRT", D.sqrt, lambda c: _guarded(c, lambda x: x >= 0, sa.func.sqrt),
                  "square root to 10 places; NULL for negatives", "SQRT(16) = 4",
                  returns=T.NUMBER),
        _num_spec("EXP", D.exp, _exp_sql, "e ^ number to 10 places; NULL when >= 1e15",
                  "EXP(0) = 1", returns=T.NUMBER),
        _num_spec("LN", D.ln, lambda c: _guarded(c, lambda x: x > 0, sa.func.ln),
                  "natural logarithm to 10 places; NULL for number <= 0", "LN(1) = 0",
                  returns=T.NUMBER),
        _num_spec("LOG", D.log10, lambda c: _guarded(c, lambda x: x > 0, sa.func.log),
                  "base-10 logarithm to 10 places; NULL for number <= 0", "LOG(1000) = 3",
                  returns=T.NUMBER),
        _num_spec("SIGN", sign_py, _sign_sql, "-1, 0 or 1", "SIGN(-4.2) = -1", returns=T.NUMBER),
        FunctionSpec("MIN", "math", ("any",), variadic=True, type_rule=_minmax_type,
                     python=_minmax_py(min), sql=_minmax_sql("min", "least"), strict=False,
                     signature="MIN(a, b, ...)",
                     summary="smallest argument, ignoring NULLs (numbers, text, dates)",
                     example="MIN(discount, 0.2)"),
        FunctionSpec("MAX", "math", ("any",), variadic=True, type_rule=_minmax_type,
                     python=_minmax_py(max), sql=_minmax_sql("max", "greatest"), strict=False,
                     signature="MAX(a, b, ...)",
                     summary="largest argument, ignoring NULLs (numbers, text, dates)",
                     example="MAX(amount, 0)"),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
