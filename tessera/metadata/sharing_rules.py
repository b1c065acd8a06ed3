"""The ``sharing_rule`` kind: records of an object matching a formula are opened to a role or team."""

from tessera.formula import FormulaError, check
from tessera.i18n import Message

from .formulas import scope_for
from .kinds import KindSpec, register_kind


def cross_check_sharing_rule(doc, documents):
    """The rule's object must exist and its criteria must type-check as a boolean filter on it."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    try:
        check(doc["criteria"], scope_for(documents, doc["object"]), context="filter")
    except FormulaError as error:
        return {"criteria": [d.localized() for d in error.diagnostics]}
    return {}


SHARING_RULE_KIND = register_kind(
    KindSpec("sharing_rule", "sharing_rule.json", cross_check=cross_check_sharing_rule)
)
