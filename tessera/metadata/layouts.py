"""The ``layout`` kind: how the record page and form of one object are laid out, and for whom.

A layout's own shape (each field at most once) is checked when a draft is saved; the
checks against the rest of the set (the object and its fields exist, ``visible_when`` is a
boolean formula on the object, a related list's ``via`` is a lookup of the child pointing at
the object, its columns exist, at most one default layout per object) run at publish.
Roles named by ``assigned_to`` live in the directory, not in metadata, so they are not
checked here; permission sets are.
"""

from tessera.formula import FormulaError, check
from tessera.i18n import Message

from .crosscheck import register_set_check
from .fieldtypes import lookup_target
from .formulas import scope_for
from .kinds import KindSpec, register_kind


def layout_fields(doc):
    """Every field entry of layout ``doc``, in order, with its (section, position) path."""
    for s_index, section in enumerate(doc.get("sections", [])):
        for f_index, entry in enumerate(section.get("fields", [])):
            yield f"sections[{s_index}].fields[{f_index}]", entry


def check_layout(doc):
    """Each field appears at most once in the layout."""
    errors, seen = {}, set()
    for path, entry in layout_fields(doc):
        if entry["field"] in seen:
            errors[f"{path}.field"] = [Message("metadata.layout.field_twice", field=entry["field"])]
        seen.add(entry["field"])
    return errors


def _field_names(documents, object_name):
    doc = documents.get(("object", object_name))
    return None if doc is None else {f["name"]: f for f in doc["fields"]}


def _field_errors(doc, fields, documents, errors):
    scope = None
    for path, entry in layout_fields(doc):
        if entry["field"] not in fields:
            errors[f"{path}.field"] = [Message("metadata.object.no_field", object=doc["object"], field=entry["field"])]
        if "visible_when" in entry:
            scope = scope or scope_for(documents, doc["object"])
            try:
                check(entry["visible_when"], scope, context="filter")
            except FormulaError as error:
                errors[f"{path}.visible_when"] = [d.localized() for d in error.diagnostics]


def _related_errors(doc, documents, errors):
    for index, related in enumerate(doc.get("related_lists", [])):
        path = f"related_lists[{index}]"
        child = _field_names(documents, related["object"])
        if child is None:
            errors[f"{path}.object"] = [Message("metadata.object.missing", object=related["object"])]
            continue
        via = child.get(related["via"])
        if via is None or lookup_target(via) != doc["object"]:
            errors[f"{path}.via"] = [Message("metadata.layout.via_not_lookup", field=related["via"],
                                             child=related["object"], object=doc["object"])]
        for column in related.get("columns", []):
            if column not in child:
                errors[f"{path}.columns"] = [Message("metadata.object.no_field", object=related["object"], field=column)]


def cross_check_layout(doc, documents):
    """The object, its fields, the related lists and the permission sets named exist;
    every ``visible_when`` is a boolean formula on the object."""
    fields = _field_names(documents, doc["object"])
    if fields is None:
        return {"object": [Message("metadata.object.missing", object=doc["object"])]}
    errors = {}
    _field_errors(doc, fields, documents, errors)
    _related_errors(doc, documents, errors)
    for name in doc.get("assigned_to", {}).get("permission_sets", []):
        if ("permission_set", name) not in documents:
            errors["assigned_to.permission_sets"] = [Message("metadata.layout.no_permission_set", name=name)]
    return errors


@register_set_check
def check_one_default(documents):
    """At most one layout per object is its default."""
    defaults = {}
    for (kind, name), doc in sorted(documents.items()):
        if kind == "layout" and doc.get("default"):
            defaults.setdefault(doc["object"], []).append(name)
    errors = {}
    for object_name, names in defaults.items():
        for name in names[1:]:
            errors[f"layout/{name}"] = {"default": [Message("metadata.layout.second_default", object=object_name,
                                                            other=names[0])]}
    return errors


LAYOUT_KIND = register_kind(KindSpec("layout", "layout.json", check=check_layout, cross_check=cross_check_layout))
