"""The ``automation`` kind: when a trigger happens to a record and a condition holds, run actions.

A rule's own shape (trigger and its companions, timing, the cron schedule) is checked when
a draft is saved; against the rest of the set at publish: the object and the named fields
exist, the condition type-checks as a boolean (it may use ``ISCHANGED``, ``PRIORVALUE`` and
``ISNEW``), and the built-in actions name real fields, objects and webhooks with formulas
that fit. Actions of other kinds (``assign``, ``notify``, a plugin's) are checked by the
runtime, which knows its action registry.
"""

from tessera.formula import FormulaError, FormulaType, check
from tessera.i18n import Message

from .approval_flows import COMPUTED_TYPES, fits_field
from .cron import CronError, parse_cron
from .fieldtypes import lookup_target
from .formulas import formula_type_of, scope_for
from .kinds import KindSpec, register_kind

RECORD_TRIGGERS = ("created", "updated", "field_changed", "deleted")
#: Triggers that happen outside a record write, so their rules always run after commit.
LATER_TRIGGERS = ("approval_decided", "schedule")


def trigger_name(doc):
    """The trigger of a rule as one word: a record trigger, ``approval_decided`` or ``schedule``."""
    trigger = doc["trigger"]
    return "schedule" if isinstance(trigger, dict) else trigger


def timing_of(doc):
    """``before_commit`` or ``after_commit``: what the rule says, after commit by default."""
    return doc.get("timing", "after_commit")


def check_automation(doc):
    """The trigger's companions fit it, the timing fits the trigger, the schedule reads."""
    trigger, errors = trigger_name(doc), {}
    if (trigger == "field_changed") != ("fields" in doc):
        errors["fields"] = [Message("metadata.automation.fields_with_field_changed")]
    if "decision" in doc and trigger != "approval_decided":
        errors["decision"] = [Message("metadata.automation.decision_with_approval")]
    if trigger in LATER_TRIGGERS and timing_of(doc) == "before_commit":
        errors["timing"] = [Message("metadata.automation.timing_after_only", trigger=trigger)]
    if trigger == "schedule":
        try:
            parse_cron(doc["trigger"]["schedule"])
        except CronError as error:
            errors["trigger.schedule"] = [Message("metadata.automation.cron", position=(error.field or 0) + 1)]
    return errors


def _field(documents, object_name, name):
    doc = documents.get(("object", object_name)) or {"fields": []}
    return next((f for f in doc["fields"] if f["name"] == name), None)


def _formula(errors, path, source, scope, **options):
    try:
        return check(source, scope, **options)
    except FormulaError as error:
        errors[path] = [d.localized() for d in error.diagnostics]
        return None


def _values_errors(errors, path, object_name, values, scope, documents):
    """Each entry of ``values`` names a writable field of ``object_name`` and gives a formula
    (text) or a literal (number, boolean, null) that fits it."""
    if not isinstance(values, dict) or not values:
        errors[path] = [Message("metadata.automation.values_shape")]
        return
    for name, source in values.items():
        field_doc = _field(documents, object_name, name)
        if field_doc is None or field_doc["type"] in COMPUTED_TYPES:
            errors[f"{path}.{name}"] = [Message("metadata.object.no_field", object=object_name, field=name)]
        elif isinstance(source, str):
            checked = _formula(errors, f"{path}.{name}", source, scope, context="automation")
            expected = formula_type_of(field_doc, documents)
            if checked is not None and not fits_field(checked.type, expected):
                errors[f"{path}.{name}"] = [Message("metadata.approval_flow.value_type", field=name,
                                                    got=checked.type.value, expected=expected.value)]
        elif isinstance(source, (dict, list)):
            errors[f"{path}.{name}"] = [Message("metadata.automation.values_shape")]


def _field_update(errors, path, spec, doc, documents, scope):
    if trigger_name(doc) == "deleted":
        errors[path] = [Message("metadata.automation.no_record_to_update")]
        return
    _values_errors(errors, f"{path}.fields", doc["object"], spec.get("fields"), scope, documents)


def _create_record(errors, path, spec, doc, documents, scope):
    target = spec.get("object")
    if ("object", target) not in documents:
        errors[f"{path}.object"] = [Message("metadata.object.missing", object=str(target))]
        return
    lookup = spec.get("lookup")
    if lookup is not None:
        field_doc = _field(documents, target, lookup)
        if field_doc is None or lookup_target(field_doc) != doc["object"] or trigger_name(doc) == "deleted":
            errors[f"{path}.lookup"] = [Message("metadata.automation.lookup", object=target, field=str(lookup),
                                                target=doc["object"])]
    if "values" in spec:
        _values_errors(errors, f"{path}.values", target, spec["values"], scope, documents)


def _webhook(errors, path, spec, doc, documents, scope):
    if ("webhook", spec.get("name")) not in documents:
        errors[f"{path}.name"] = [Message("metadata.automation.webhook_missing", name=str(spec.get("name")))]


BUILT_IN_CHECKS = {"field_update": _field_update, "create_record": _create_record, "webhook": _webhook}


def cross_check_automation(doc, documents):
    """The object, the named fields, the condition and the built-in actions fit the candidate set."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    errors, scope = {}, scope_for(documents, doc["object"])
    for index, name in enumerate(doc.get("fields", ())):
        if _field(documents, doc["object"], name) is None:
            errors[f"fields[{index}]"] = [Message("metadata.object.no_field", object=doc["object"], field=name)]
    if "condition" in doc:
        _formula(errors, "condition", doc["condition"], scope, context="automation", expected=FormulaType.BOOLEAN)
    for index, action in enumerate(doc["actions"]):
        (kind, spec), = action.items()
        if kind in BUILT_IN_CHECKS:
            BUILT_IN_CHECKS[kind](errors, f"actions[{index}].{kind}", spec, doc, documents, scope)
    return errors


AUTOMATION_KIND = register_kind(KindSpec("automation", "automation.json", check=check_automation,
                                         cross_check=cross_check_automation))
