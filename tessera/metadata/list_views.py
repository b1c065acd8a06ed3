"""The ``list_view`` kind: a shared view of an object's records (columns, filter, sort).

Checked at publish against the candidate set: the object exists, every column and sort
field is one of its fields (sorts may also name ``id``, ``created_at``, ``updated_at``),
sort fields are of a sortable type, the filter type-checks as a boolean filter on the
object, and at most one view per object is its default.
"""

from tessera.formula import FormulaError, check
from tessera.i18n import Message

from .fieldtype_registry import active_field_types
from .formulas import scope_for
from .kinds import KindSpec, register_kind

#: System columns a view may sort on.
SORTABLE_SYSTEM = ("id", "created_at", "updated_at")


def check_list_view(doc):
    """Per-document checks: no field sorted on twice."""
    seen, errors = set(), {}
    for index, key in enumerate(doc.get("sort") or ()):
        if key["field"] in seen:
            errors[f"sort[{index}].field"] = [Message("metadata.list_view.sorted_twice", field=key["field"])]
        seen.add(key["field"])
    return errors


def _sortable(field_doc):
    kind = field_doc["returns"] if field_doc["type"] == "formula" else field_doc["type"]
    return getattr(active_field_types().get(kind), "sortable", True)


def _field_errors(doc, fields):
    errors = {}
    for index, name in enumerate(doc["columns"]):
        if name not in fields:
            errors[f"columns[{index}]"] = [Message("metadata.field.missing", name=name)]
    for index, key in enumerate(doc.get("sort") or ()):
        name, path = key["field"], f"sort[{index}].field"
        if name in SORTABLE_SYSTEM:
            continue
        if name not in fields:
            errors[path] = [Message("metadata.field.missing", name=name)]
        elif not _sortable(fields[name]):
            errors[path] = [Message("metadata.list_view.not_sortable", field=name)]
    return errors


def _filter_errors(doc, documents):
    if not (doc.get("filter") or "").strip():
        return {}
    try:
        check(doc["filter"], scope_for(documents, doc["object"]), context="filter")
    except FormulaError as error:
        return {"filter": [d.localized() for d in error.diagnostics]}
    return {}


def _default_errors(doc, documents):
    if not doc.get("default"):
        return {}
    others = sorted(name for (kind, name), other in documents.items()
                    if kind == "list_view" and name != doc["name"] and other["object"] == doc["object"]
                    and other.get("default"))
    if others:
        return {"default": [Message("metadata.list_view.second_default", object=doc["object"], other=others[0])]}
    return {}


def cross_check_list_view(doc, documents):
    """The view's object, columns, sort fields and filter must resolve; one default per object."""
    target = documents.get(("object", doc["object"]))
    if target is None:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    fields = {f["name"]: f for f in target["fields"]}
    return {**_field_errors(doc, fields), **_filter_errors(doc, documents), **_default_errors(doc, documents)}


LIST_VIEW_KIND = register_kind(
    KindSpec("list_view", "list_view.json", check=check_list_view, cross_check=cross_check_list_view)
)
