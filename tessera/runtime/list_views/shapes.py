"""A list view's shape, shared or personal, and what a list query makes of it."""

import re

from tessera.i18n import Message
from tessera.metadata.documents import schema_errors
from tessera.metadata.kinds import kind_spec

from ..errors import RecordInvalid
from ..feedback.inputs import SOME_TEXT as SOME_TEXT_CLASS

#: What a personal view's body may hold (the shared kind's properties less kind, name, object).
BODY_KEYS = ("label", "columns", "filter", "sort", "default")
#: A label text must match this, an explicit class (not ``\S``, which JSON Schema's regular
#: expressions and Python's read differently), so the API's document and the server agree.
SOME_TEXT = re.compile(SOME_TEXT_CLASS)


def checked_body(object_name, body):
    """The personal view ``body`` as a list_view document's properties; RecordInvalid naming
    each bad property (the same JSON Schema as the shared kind)."""
    if not isinstance(body, dict):
        raise RecordInvalid("list_view.invalid", errors={"$": [Message("input.not_an_object")]})
    doc = {"kind": "list_view", "name": "personal", "object": object_name, **body}
    errors = schema_errors(kind_spec("list_view").validator, doc)
    errors.update({k: [Message("list_view.not_a_property")] for k in body if k not in BODY_KEYS})
    if "label" not in errors and not all(SOME_TEXT.search(str(text)) for text in body.get("label", {}).values()):
        errors["label"] = [Message("list_view.label_blank")]
    if errors:
        raise RecordInvalid("list_view.invalid", errors=errors)
    return {"label": body["label"], "columns": list(body["columns"]), "filter": body.get("filter") or None,
            "sort": list(body.get("sort") or ()), "default": bool(body.get("default"))}


def sort_text(sort):
    """A view's sort as the records API takes it: ``-amount,title``."""
    return ",".join(("-" if key.get("direction") == "desc" else "") + key["field"] for key in sort or ())


def shared_json(doc, readable):
    """A published list_view document as the API shows it, its unreadable columns dropped."""
    allowed = set(readable)
    return {"id": doc["name"], "shared": True, "object": doc["object"], "label": doc["label"],
            "columns": [c for c in doc["columns"] if c in allowed], "filter": doc.get("filter") or None,
            "sort": list(doc.get("sort") or ()), "default": bool(doc.get("default"))}


def personal_json(row, readable):
    """A personal view row as the API shows it, its unreadable columns dropped."""
    allowed = set(readable)
    return {"id": row["id"], "shared": False, "object": row["object"], "label": row["label"],
            "columns": [c for c in row["columns"] if c in allowed], "filter": row["filter"],
            "sort": list(row["sort"] or ()), "default": bool(row["is_default"]), "version": row["version"]}
