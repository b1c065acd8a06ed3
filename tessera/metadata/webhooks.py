"""The ``webhook`` kind: the events of one object POSTed to a URL, optionally filtered by a formula."""

from tessera.formula import FormulaError, check
from tessera.i18n import Message

from .formulas import scope_for
from .kinds import KindSpec, register_kind


def cross_check_webhook(doc, documents):
    """The webhook's object must exist and its filter must type-check as a boolean filter on it."""
    if ("object", doc["object"]) not in documents:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    if "filter" not in doc:
        return {}
    try:
        check(doc["filter"], scope_for(documents, doc["object"]), context="filter")
    except FormulaError as error:
        return {"filter": [d.localized() for d in error.diagnostics]}
    return {}


WEBHOOK_KIND = register_kind(KindSpec("webhook", "webhook.json", cross_check=cross_check_webhook))
