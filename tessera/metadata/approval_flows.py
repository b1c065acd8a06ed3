"""The ``approval_flow`` kind: how records of one object are submitted, approved and rejected.

A flow's own shape (step names unique, no ``back`` on the first step) is checked when a
draft is saved; the checks against the rest of the set (the object and its fields exist,
user fields are user fields, formulas parse and type-check) run at publish. Roles and
teams named by approvers live in the directory, not in metadata: the runtime checks them
when a request is submitted (see docs/approvals.md).
"""

from tessera.formula import FormulaError, FormulaType, check
from tessera.formula.types import is_assignable
from tessera.i18n import Message

from .fieldtypes import lookup_target
from .formulas import formula_type_of, scope_for
from .kinds import KindSpec, register_kind

#: The record's own user columns an approver ``field`` may name.
USER_SYSTEM_FIELDS = ("owner", "created_by", "updated_by")
#: Field types an action may not write: they are computed.
COMPUTED_TYPES = ("formula", "rollup", "auto_number")
ACTION_TIMES = ("submit", "final_approval", "final_rejection", "recall")
STEP_ACTION_TIMES = ("approved", "rejected")


def check_flow(doc):
    """Step names are unique and the first step does not go ``back`` on a rejection."""
    errors, seen = {}, set()
    for index, step in enumerate(doc["steps"]):
        if step["name"] in seen:
            errors[f"steps[{index}].name"] = [Message("metadata.approval_flow.step_twice", step=step["name"])]
        seen.add(step["name"])
    if doc["steps"][0].get("on_reject") == "back":
        errors["steps[0].on_reject"] = [Message("metadata.approval_flow.back_on_first_step")]
    return errors


def _messages(error):
    return [d.localized() for d in error.diagnostics]


def _field(documents, object_name, name):
    doc = documents.get(("object", object_name)) or {"fields": []}
    return next((f for f in doc["fields"] if f["name"] == name), None)


def _formula_errors(path, source, scope, errors, **options):
    try:
        return check(source, scope, **options)
    except FormulaError as error:
        errors[path] = _messages(error)
        return None


def fits_field(actual, expected):
    """Whether a formula result of type ``actual`` may be written to a field read as ``expected``
    (text fits a picklist: the records service then checks the option)."""
    return is_assignable(actual, expected) or (actual == FormulaType.TEXT and expected == FormulaType.PICKLIST)


def _value_errors(path, object_name, field_name, source, documents, errors):
    field_doc = _field(documents, object_name, field_name)
    if field_doc is None or field_doc["type"] in COMPUTED_TYPES:
        errors[f"{path}.field"] = [Message("metadata.object.no_field", object=object_name, field=field_name)]
        return
    checked = _formula_errors(f"{path}.value", source, scope_for(documents, object_name), errors)
    expected = formula_type_of(field_doc, documents)
    if checked is not None and not fits_field(checked.type, expected):
        errors[f"{path}.value"] = [Message("metadata.approval_flow.value_type", field=field_name,
                                           got=checked.type.value, expected=expected.value)]


def _create_errors(path, spec, documents, scope, errors):
    target = spec["object"]
    if ("object", target) not in documents:
        errors[f"{path}.object"] = [Message("metadata.object.missing", object=target)]
        return
    for name, source in spec["values"].items():
        field_doc = _field(documents, target, name)
        if field_doc is None or field_doc["type"] in COMPUTED_TYPES:
            errors[f"{path}.values.{name}"] = [Message("metadata.object.no_field", object=target, field=name)]
            continue
        checked = _formula_errors(f"{path}.values.{name}", source, scope, errors)
        expected = formula_type_of(field_doc, documents)
        if checked is not None and not fits_field(checked.type, expected):
            errors[f"{path}.values.{name}"] = [Message("metadata.approval_flow.value_type", field=name,
                                                       got=checked.type.value, expected=expected.value)]


def _action_list_errors(path, actions, doc, documents, scope, errors):
    for index, action in enumerate(actions):
        here = f"{path}[{index}]"
        if "field_update" in action:
            spec = action["field_update"]
            _value_errors(f"{here}.field_update", doc["object"], spec["field"], spec["value"], documents, errors)
        elif "create_record" in action:
            _create_errors(f"{here}.create_record", action["create_record"], documents, scope, errors)


def _approver_errors(path, approver, doc, documents, scope, errors):
    if "field" in approver:
        name = approver["field"]
        if name in USER_SYSTEM_FIELDS:
            return
        field_doc = _field(documents, doc["object"], name)
        if field_doc is None:
            errors[f"{path}.field"] = [Message("metadata.object.no_field", object=doc["object"], field=name)]
        elif lookup_target(field_doc) != "user":
            errors[f"{path}.field"] = [Message("metadata.approval_flow.not_a_user_field", field=name)]
    elif "formula" in approver:
        checked = _formula_errors(f"{path}.formula", approver["formula"], scope, errors)
        if checked is not None and checked.type not in (FormulaType.LOOKUP, FormulaType.NUMBER, FormulaType.NULL):
            errors[f"{path}.formula"] = [Message("metadata.approval_flow.not_a_user_id", got=checked.type.value)]


def _step_errors(index, step, doc, documents, scope, errors):
    path = f"steps[{index}]"
    if "criteria" in step:
        _formula_errors(f"{path}.criteria", step["criteria"], scope, errors, context="filter")
    for number, approver in enumerate(step["approvers"]):
        _approver_errors(f"{path}.approvers[{number}]", approver, doc, documents, scope, errors)
    for when in STEP_ACTION_TIMES:
        actions = step.get("actions", {}).get(when, [])
        _action_list_errors(f"{path}.actions.{when}", actions, doc, documents, scope, errors)


def cross_check_flow(doc, documents):
    """The object exists; criteria are boolean formulas; approver fields are user fields and
    approver formulas give a user id; every field an action writes exists and its value fits."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    errors = {}
    scope = scope_for(documents, doc["object"])
    if "entry_criteria" in doc:
        _formula_errors("entry_criteria", doc["entry_criteria"], scope, errors, context="filter")
    for index, step in enumerate(doc["steps"]):
        _step_errors(index, step, doc, documents, scope, errors)
    for when in ACTION_TIMES:
        _action_list_errors(f"actions.{when}", doc.get("actions", {}).get(when, []), doc, documents, scope, errors)
    return errors


APPROVAL_FLOW_KIND = register_kind(KindSpec("approval_flow", "approval_flow.json", check=check_flow,
                                            cross_check=cross_check_flow))

__all__ = ["ACTION_TIMES", "STEP_ACTION_TIMES", "USER_SYSTEM_FIELDS", "fits_field"]
