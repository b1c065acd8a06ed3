"""Formula routes: check an expression against an object, evaluate it for a record."""

from tessera.formula import CONTEXTS, FormulaType, compile_python
from tessera.i18n import Message
from tessera.runtime.records.computed import RecordView, reader_env
from tessera.runtime.schema.formulas import LookupGuard, check_for_reader
from tessera.runtime.records.service import load_input
from tessera.runtime.fields.serialize import to_json
from tessera.runtime.records.computed import RecordView, reader_env
from tessera.runtime.records.service import load_input
from tessera.runtime.schema.formulas import LookupGuard, check_for_reader

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from .common import ctx, runtime


def _request():
    body = json_body()
    if not isinstance(body, dict) or not isinstance(body.get("expression"), str):
        raise ApiProblem(400, "bad_request", "api.formula.body_shape", {"expression": [Message("api.required_text")]})
    if not isinstance(body.get("object"), str):
        raise ApiProblem(400, "bad_request", "api.formula.body_shape", {"object": [Message("api.required")]})
    context = body.get("context", "field")
    if context not in CONTEXTS:
        raise ApiProblem(400, "bad_request", "api.formula.context", choices=", ".join(CONTEXTS),
                         errors={"context": [Message("api.one_of", choices=", ".join(CONTEXTS))]})
    returns = body.get("returns")
    try:
        expected = FormulaType(returns) if returns else None
    except ValueError:
        raise ApiProblem(400, "bad_request", "api.formula.unknown_type", type=repr(returns),
                         errors={"returns": [Message("api.unknown_type")]}) from None
    return body, context, expected


def _checked(rt, conn, body, context, expected):
    model, obj = rt.object_for(conn, body["object"])
    rt.access.check_object(ctx(), obj, "read")
    checked = check_for_reader(rt, model, obj, body["expression"], ctx(), context=context, expected=expected)
    return model, obj, checked


def check_formula():
    """Type-check an expression: its type, references and whether it runs in SQL."""
    body, context, expected = _request()
    rt = runtime()
    with rt.read() as conn:
        _, _, checked = _checked(rt, conn, body, context, expected)
    return json_response({"valid": True, "type": checked.type.value, "pushable": checked.pushable,
                          "references": sorted(list(p) for p in checked.references)})


def evaluate_formula():
    """Evaluate an expression for a stored record (``record_id``) or given values (``record``).

    The expression is the caller's own formula: its lookups see only the target records
    the caller may read, and read NULL through any other.
    """
    body, context, expected = _request()
    rt = runtime()
    with rt.read() as conn:
        model, obj, checked = _checked(rt, conn, body, context, expected)
        view, env = _record_view(rt, conn, model, obj, body)
        value = compile_python(checked)(view, env)
    return json_response({"value": to_json(value), "type": checked.type.value})


def _record_view(rt, conn, model, obj, body):
    """The record to evaluate against and the caller's environment for the expression."""
    system = rt.eval_env(ctx(), conn, model)
    reading = reader_env(system, conn, model, LookupGuard(rt.access, ctx(), conn))
    if "record_id" in body:
        record_id = body["record_id"]
        if isinstance(record_id, bool) or not isinstance(record_id, int):
            raise ApiProblem(400, "bad_request", "api.formula.record_id", {"record_id": [Message("api.integer")]})
        row = rt.access.visible_row(conn, ctx(), obj, record_id)
        # A stored record's formula fields are what reading the record shows: system context.
        return RecordView(obj, dict(row), system), reading
    values = load_input(obj.update_loader, body.get("record") or {})
    # Given values may name any id, so even the record's formula fields follow them as the caller.
    return RecordView(obj, {"owner_id": ctx().user_id, **values}, reading), reading


def register(bp):
    """Add the formula routes to ``bp``."""
    bp.add_url_rule("/formula/check", "formula_check", check_formula, methods=["POST"])
    bp.add_url_rule("/formula/evaluate", "formula_evaluate", evaluate_formula, methods=["POST"])
