"""Formulas inside metadata: the scope a formula sees, field types, and publish checks.

Every formula an object carries (formula fields, validation rules, formula defaults,
roll-up filters) is type-checked here when a set is published; an error names the
document, the field path and the line and column inside the expression.
"""

from tessera.formula import FieldInfo, FormulaType, Scope

from .fieldtype_registry import active_field_types
from .fieldtypes import lookup_target, option_values

USER_FIELDS = {
    "id": FieldInfo("id", FormulaType.LOOKUP, target="user"),
    "username": FieldInfo("username", FormulaType.TEXT),
    "display_name": FieldInfo("display_name", FormulaType.TEXT),
    "email": FieldInfo("email", FormulaType.TEXT),
    "locale": FieldInfo("locale", FormulaType.TEXT),
}

SYSTEM_FIELDS = {
    "id": FieldInfo("id", FormulaType.LOOKUP),
    "owner": FieldInfo("owner", FormulaType.LOOKUP, target="user"),
    "created_by": FieldInfo("created_by", FormulaType.LOOKUP, target="user"),
    "updated_by": FieldInfo("updated_by", FormulaType.LOOKUP, target="user"),
    "created_at": FieldInfo("created_at", FormulaType.DATETIME),
    "updated_at": FieldInfo("updated_at", FormulaType.DATETIME),
}


def _field(documents, object_name, field_name):
    doc = documents.get(("object", object_name)) or {"fields": []}
    return next((f for f in doc["fields"] if f["name"] == field_name), None)


def rollup_storage(field_doc, documents):
    """The field document a roll-up is stored as: a number for COUNT, else like its source."""
    if field_doc["function"] == "COUNT" or not field_doc.get("of"):
        return {"name": field_doc["name"], "type": "number", "precision": 18, "scale": 0}
    source = _field(documents, field_doc["child"], field_doc["of"]) or {"type": "number"}
    kind = source["type"] if source["type"] in ("number", "currency", "percent", "date", "datetime") else "number"
    stored = {"name": field_doc["name"], "type": kind}
    if kind in ("number", "currency", "percent"):
        stored["scale"] = field_doc.get("scale", source.get("scale", 2 if kind != "percent" else 4))
        stored["precision"] = 18 if kind != "percent" else 9
    return stored


def storage_doc(field_doc, documents):
    """The document that decides a stored field's column (roll-ups take their source's type)."""
    return rollup_storage(field_doc, documents) if field_doc["type"] == "rollup" else field_doc


def formula_type_of(field_doc, documents):
    """The formula type a field has when a formula reads it."""
    if field_doc["type"] == "formula":
        return FormulaType(field_doc["returns"])
    if field_doc["type"] == "rollup":
        return FormulaType(active_field_types()[rollup_storage(field_doc, documents)["type"]].formula_type)
    return FormulaType(active_field_types()[field_doc["type"]].formula_type)


def object_fields(documents, object_name, readable=None):
    """The fields of ``object_name`` as the formula language sees them."""
    doc = documents[("object", object_name)]
    fields = dict(SYSTEM_FIELDS)
    for field_doc in doc["fields"]:
        if readable is not None and field_doc["name"] not in readable:
            continue
        fields[field_doc["name"]] = FieldInfo(
            field_doc["name"], formula_type_of(field_doc, documents),
            target=lookup_target(field_doc), options=tuple(option_values(field_doc)),
        )
    return fields


def scope_for(documents, root, readable=None):
    """The Scope of formulas evaluated on ``root`` records.

    ``readable`` optionally maps object names to the field names a reader may see; the
    scope then holds only those fields.
    """
    objects = {name: object_fields(documents, name, None if readable is None else readable.get(name, ()))
               for kind, name in documents if kind == "object"}
    objects["user"] = USER_FIELDS
    return Scope(objects=objects, root=root)
