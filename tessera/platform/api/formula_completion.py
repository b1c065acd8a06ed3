"""What a formula editor completes: the functions and globals of the language, and the fields
of an object the caller may read (or, for administrators, of the draft metadata)."""

from flask import request

from tessera.formula import CONTEXTS
from tessera.formula.reference import function_reference, global_reference
from tessera.i18n import Message
from tessera.runtime.records import formula_authoring

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import BOOLEAN, LABEL, NULLABLE_TEXT, TEXT, TEXT_LIST, obj, query
from ..problems import ApiProblem, request_locale
from .common import ctx, runtime

PARAMETER = obj(("name", "type", "optional"), name=TEXT, type=TEXT, optional=BOOLEAN)
FUNCTION = obj(("name", "signature", "parameters", "returns", "description"),
               name=TEXT, signature=TEXT, parameters={"type": "array", "items": PARAMETER}, variadic=BOOLEAN,
               returns=NULLABLE_TEXT, family=TEXT, aggregate=BOOLEAN,
               contexts={"type": ["array", "null"], "items": TEXT}, description=TEXT)
GLOBAL = obj(("name", "type", "description"), name=TEXT, type=TEXT, description=TEXT)
FUNCTIONS = obj(("functions", "globals"), functions={"type": "array", "items": FUNCTION},
                globals={"type": "array", "items": GLOBAL})
FIELD = obj(("name", "label", "type", "field_type", "target"), name=TEXT, label=LABEL, type=TEXT, field_type=TEXT,
            target=NULLABLE_TEXT, options=TEXT_LIST)
FIELDS = obj(("object", "label", "fields"), object=TEXT, label=LABEL, fields={"type": "array", "items": FIELD})
CONTEXT = query("context", "Only the functions allowed in formulas of this context.",
                {"type": "string", "enum": list(CONTEXTS)})
OBJECT = {**query("object", "The object whose records the formula reads (user: the public fields of users).",
                  {"type": "string", "minLength": 1}), "required": True}
DRAFT = query("draft", "true: the fields as the draft metadata describes them (administrators).",
              {"type": "string", "enum": ["true", "false"]})


def _flag(name):
    value = request.args.get(name, "false")
    if value not in ("true", "false"):
        raise ApiProblem(400, "bad_request", "api.formula.flag", {name: [Message("api.boolean")]}, name=name)
    return value == "true"


@operation("listFormulaFunctions", "The formula functions and globals, with signatures and descriptions",
           tag="formula", parameters=(CONTEXT,), returns=FUNCTIONS)
def list_functions():
    """Every function (or those allowed in ``context``) and global, described in the reader's locale."""
    context = request.args.get("context")
    if context is not None and context not in CONTEXTS:
        raise ApiProblem(400, "bad_request", "api.formula.context", choices=", ".join(CONTEXTS),
                         errors={"context": [Message("api.one_of", choices=", ".join(CONTEXTS))]})
    locale = request_locale()
    return json_response({"functions": function_reference(locale, context), "globals": global_reference(locale)})


@operation("listFormulaFields", "The fields of an object a formula written by the caller may read",
           tag="formula", parameters=(OBJECT, DRAFT), returns=FIELDS)
def list_fields():
    """The readable fields of ``object`` with their formula types and lookup targets (field security applies)."""
    name = request.args.get("object")
    if not name:
        raise ApiProblem(400, "bad_request", "api.formula.object_query", {"object": [Message("api.required")]})
    if _flag("draft"):
        return json_response(formula_authoring.draft_fields(runtime(), ctx(), name))
    return json_response(formula_authoring.readable_fields(runtime(), ctx(), name))


def register(bp):
    """Add the completion routes to ``bp``."""
    bp.add_url_rule("/formula/functions", "formula_functions", list_functions, methods=["GET"])
    bp.add_url_rule("/formula/fields", "formula_fields", list_fields, methods=["GET"])
