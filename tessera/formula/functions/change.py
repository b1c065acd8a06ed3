"""Change-tracking functions for validation and automation formulas (Python-only): ISNEW, ISCHANGED, PRIORVALUE."""
from __future__ import annotations

import ast

from ..types import FormulaType as T
from .registry import ArgumentError, FunctionSpec, TypeCall, register_function

_VALIDATION = frozenset({"validation", "automation"})


def is_changed(record, env, name: str) -> bool:
    """TRUE when the field's value differs from env.prior (FALSE for new records)."""
    if env.is_new or env.prior is None:
        return False
    return record.get(name) != env.prior.get(name)


def prior_value(record, env, name: str):
    """The field's previous value; for a new record (no prior) its current value."""
    if env.is_new or env.prior is None:
        return record.get(name)
    return env.prior.get(name)


def _field_arg(call: TypeCall):
    node = call.nodes[0]
    if type(node).__name__ != "FieldRef" or len(node.path) != 1:
        raise ArgumentError(0, "field", code="argument_field")
    return call.types[0]


def _emit(fn):
    def emit(em, node):
        name = node.args[0].path[0]
        return em.call_impl(fn, [em.record(), em.env(), ast.Constant(name)])
    return emit


def _is_new(em, node):
    return em.call_impl(bool, [ast.Attribute(em.env(), "is_new", ast.Load())])


def _changed_type(call: TypeCall) -> T:
    _field_arg(call)
    return T.BOOLEAN


def _register() -> None:
    specs = [
        FunctionSpec("ISNEW", "change", (), returns=T.BOOLEAN, strict=False, never_null=True,
                     contexts=_VALIDATION,
                     inline_python=_is_new,
                     signature="ISNEW()", summary="TRUE while the record is being created "
                     "(EvalEnv.is_new); validation and automation only, Python-only", example="ISNEW()"),
        FunctionSpec("ISCHANGED", "change", ("field",), type_rule=_changed_type,
                     strict=False, never_null=True, contexts=_VALIDATION,
                     inline_python=_emit(is_changed), signature="ISCHANGED(field)",
                     summary="TRUE when the field differs from EvalEnv.prior; FALSE for new "
                     "records; validation and automation only, Python-only", example="ISCHANGED(stage)"),
        FunctionSpec("PRIORVALUE", "change", ("field",), type_rule=_field_arg, strict=False,
                     contexts=_VALIDATION, inline_python=_emit(prior_value),
                     signature="PRIORVALUE(field)",
                     summary="the field's previous value (current value for new records); "
                     "validation and automation only, Python-only", example="PRIORVALUE(amount) > amount"),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
