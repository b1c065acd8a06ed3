"""The ``assignment_rule`` and ``lead_pool`` kinds: who owns a new record, and pools reps claim from."""

from tessera.formula import FormulaError, check
from tessera.i18n import Message

from .formulas import scope_for
from .kinds import KindSpec, register_kind


def _filter_errors(documents, object_name, source, path):
    try:
        check(source, scope_for(documents, object_name), context="filter")
    except FormulaError as error:
        return {path: [d.localized() for d in error.diagnostics]}
    return {}


def cross_check_assignment_rule(doc, documents):
    """The rule's object must exist, its criteria and a least-loaded ``open`` formula must
    type-check as boolean filters on it, and a pool it names must exist for the same object."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    errors = _filter_errors(documents, doc["object"], doc["criteria"], "criteria") if "criteria" in doc else {}
    assign = doc["assign"]
    if isinstance(assign.get("least_loaded"), dict) and "open" in assign["least_loaded"]:
        errors.update(_filter_errors(documents, doc["object"], assign["least_loaded"]["open"],
                                     "assign.least_loaded.open"))
    if "pool" in assign:
        pool = documents.get(("lead_pool", assign["pool"]))
        if pool is None:
            errors["assign.pool"] = [Message("metadata.assignment.pool_missing", pool=assign["pool"])]
        elif pool["object"] != doc["object"]:
            errors["assign.pool"] = [Message("metadata.assignment.pool_object", pool=assign["pool"],
                                             object=pool["object"])]
    return errors


def cross_check_lead_pool(doc, documents):
    """The pool's object must exist."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    return {}


ASSIGNMENT_RULE_KIND = register_kind(
    KindSpec("assignment_rule", "assignment_rule.json", cross_check=cross_check_assignment_rule))
LEAD_POOL_KIND = register_kind(KindSpec("lead_pool", "lead_pool.json", cross_check=cross_check_lead_pool))
