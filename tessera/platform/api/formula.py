"""Formula routes: check an expression against an object, evaluate it for a record."""

from tessera.formula import CONTEXTS, FormulaType
from tessera.i18n import Message

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, BOOLEAN, INTEGER, TEXT, obj
from tessera.runtime.records.formula_authoring import check_draft
from .common import ctx, runtime

CHECKED = obj(("valid", "type"), valid=BOOLEAN, type=TEXT, pushable=BOOLEAN,
              references={"type": "array", "items": {"type": "array", "items": TEXT}})
EVALUATED = obj(("type",), value={}, type=TEXT)
FORMULA_REQUEST = obj(("object", "expression"), object=TEXT, expression=TEXT,
                      context={"type": "string", "enum": list(CONTEXTS)},
                      returns={"type": "string", "enum": [t.value for t in FormulaType]},
                      record_id=INTEGER, record=ANY_OBJECT,
                      draft={**BOOLEAN, "description": "check: against the draft metadata (administrators)"})


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


def _record_id(body):
    """The stored record to evaluate against, if the body names one."""
    record_id = body.get("record_id")
    if "record_id" in body and (isinstance(record_id, bool) or not isinstance(record_id, int)):
        raise ApiProblem(400, "bad_request", "api.formula.record_id", {"record_id": [Message("api.integer")]})
    return record_id


def _draft(body):
    draft = body.get("draft", False)
    if not isinstance(draft, bool):
        raise ApiProblem(400, "bad_request", "api.formula.flag", {"draft": [Message("api.boolean")]}, name="draft")
    return draft


@operation("checkFormula", "Type-check a formula against an object", tag="formula",
           body=FORMULA_REQUEST, returns=CHECKED)
def check_formula():
    """Type-check an expression: its type, references and whether it runs in SQL (``draft``: as designed)."""
    body, context, expected = _request()
    if _draft(body):
        return json_response(check_draft(runtime(), ctx(), body["object"], body["expression"], context=context,
                                         expected=expected))
    return json_response(runtime().formulas.check(ctx(), body["object"], body["expression"], context=context,
                                                  expected=expected))


@operation("evaluateFormula", "Evaluate a formula for a record", tag="formula",
           body=FORMULA_REQUEST, returns=EVALUATED)
def evaluate_formula():
    """Evaluate an expression for a stored record (``record_id``) or given values (``record``).

    The expression is the caller's own formula: its lookups see only the target records
    the caller may read, and read NULL through any other.
    """
    body, context, expected = _request()
    record_id = _record_id(body)
    return json_response(runtime().formulas.evaluate(ctx(), body["object"], body["expression"], context=context,
                                                     expected=expected, record_id=record_id,
                                                     values=body.get("record")))


def register(bp):
    """Add the formula routes to ``bp``."""
    bp.add_url_rule("/formula/check", "formula_check", check_formula, methods=["POST"])
    bp.add_url_rule("/formula/evaluate", "formula_evaluate", evaluate_formula, methods=["POST"])
