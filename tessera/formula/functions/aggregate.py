"""Aggregates over the row set (aggregate context): SUM, COUNT, COUNTIF, AVG, MIN, MAX, COUNT_DISTINCT.

In Python each receives the list of its argument's per-row values (COUNT() gets
the rows); in SQL they become the matching SQL aggregate.
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from ..types import NUMERIC_TYPES, TEMPORAL_TYPES, TEXT_TYPES, FormulaType as T
from . import _decimal as D
from .registry import ArgumentError, FunctionSpec, TypeCall, register_function

_AGG = frozenset({"aggregate"})


def _present(values):
    return [v for v in values if v is not None]


def _exact_sum(values):
    total = Decimal(0)
    for value in values:
        total = D.WIDE.add(total, value)
    return total


def sum_py(values):
    present = _present(values)
    return _exact_sum(present) if present else None


def avg_py(values):
    present = _present(values)
    return D.div(_exact_sum(present), Decimal(len(present))) if present else None


def count_py(values):
    """Non-NULL values (COUNT() receives the rows themselves, all non-NULL)."""
    return Decimal(len(_present(values)))


def countif_py(values):
    return Decimal(sum(1 for v in values if v is True))


def distinct_py(values):
    return Decimal(len(set(_present(values))))


def _minmax(pick):
    def impl(values):
        present = _present(values)
        return pick(present) if present else None
    return impl


def _ordered_type(call: TypeCall) -> T:
    t = call.types[0]
    if t not in NUMERIC_TYPES | TEXT_TYPES | TEMPORAL_TYPES | {T.NULL}:
        raise ArgumentError(0, "number")
    return T.NUMBER if t == T.NULL else t


def _avg_sql(call):
    ctx = call.ctx
    return ctx.round10(sa.func.avg(ctx.precise(ctx.numeric(call.args[0]))))


def _ordered_arg(call):
    """MIN/MAX's argument; an untyped NULL becomes a NULL number (PostgreSQL reads it as text)."""
    if call.types[0] == T.NULL:
        return sa.cast(call.args[0], sa.Numeric())
    return call.ctx.ordered(call.args[0], call.types[0])


def _count_type(call: TypeCall) -> T:
    if call.types and call.types[0] == T.MULTI_PICKLIST:
        raise ArgumentError(0, "field")
    return T.NUMBER


def _countif_type(call: TypeCall) -> T:
    call.require(0, "boolean")
    return T.NUMBER


def _agg(name, python, sql, signature, summary, example, **kw):
    return FunctionSpec(name, "aggregate", kw.pop("params", ("number",)), python=python, sql=sql,
                        aggregate=True, strict=False, contexts=_AGG, signature=signature,
                        summary=summary, example=example, **kw)


def _register() -> None:
    num = lambda c, e: e if c.ctx.sqlite else sa.cast(e, sa.Numeric())  # noqa: E731
    specs = [
        _agg("SUM", sum_py, lambda c: c.ctx.snap(sa.func.sum(c.args[0])), "SUM(number)",
             "sum of non-NULL values; NULL for no values", "SUM(amount)", returns="arg0"),
        _agg("COUNT", count_py,
             lambda c: num(c, sa.func.count(c.args[0]) if c.args else sa.func.count()),
             "COUNT([value])", "number of rows, or of non-NULL values", "COUNT()",
             params=("any",), min_args=0, type_rule=_count_type, never_null=True),
        _agg("COUNTIF", countif_py,
             lambda c: num(c, sa.func.count(sa.case((c.args[0], 1), else_=sa.null()))),
             "COUNTIF(condition)", "number of rows where condition is TRUE",
             'COUNTIF(stage = "Won")', params=("boolean",), type_rule=_countif_type,
             never_null=True),
        _agg("AVG", avg_py, _avg_sql,
             "AVG(number)", "mean of non-NULL values to 10 places; NULL for none",
             "AVG(amount)", returns="arg0"),
        _agg("MIN", _minmax(min), lambda c: sa.func.min(_ordered_arg(c)),
             "MIN(value)", "smallest non-NULL value (one argument, aggregate context)",
             "MIN(close_date)", params=("any",), type_rule=_ordered_type),
        _agg("MAX", _minmax(max), lambda c: sa.func.max(_ordered_arg(c)),
             "MAX(value)", "largest non-NULL value (one argument, aggregate context)",
             "MAX(amount)", params=("any",), type_rule=_ordered_type),
        _agg("COUNT_DISTINCT", distinct_py,
             lambda c: num(c, sa.func.count(sa.distinct(c.args[0]))), "COUNT_DISTINCT(value)",
             "number of distinct non-NULL values", "COUNT_DISTINCT(owner)", params=("any",),
             type_rule=_count_type, never_null=True),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
