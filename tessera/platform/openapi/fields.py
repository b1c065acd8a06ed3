"""The JSON Schema of one field's value, from its field type.

``value_schema`` is the one place the document asks a field type for its schema: when
field types carry their own ``openapi_schema``, its body becomes that call.
"""

from tessera.metadata.fieldtypes import option_values

DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
RECORD_ID = {"type": "integer", "minimum": 1}
#: Types whose values the runtime computes or fills: never written by a client.
COMPUTED = frozenset({"auto_number", "formula", "rollup"})


def _text_schema(field_doc, kind):
    schema = {"type": "string"}
    if field_doc.get("max_length"):
        schema["maxLength"] = field_doc["max_length"]
    if kind in ("email", "url"):
        schema["format"] = {"email": "email", "url": "uri"}[kind]
    return schema


def _type_schema(field_doc, kind):
    """The non-null schema of a value of type ``kind``."""
    if kind in ("number", "currency", "percent", "rollup"):
        return dict(DECIMAL)
    if kind in ("lookup", "master_detail", "user"):
        return dict(RECORD_ID)
    if kind == "boolean":
        return {"type": "boolean"}
    if kind in ("date", "datetime"):
        return {"type": "string", "format": "date" if kind == "date" else "date-time"}
    if kind == "picklist":
        return {"type": "string", "enum": option_values(field_doc)}
    if kind == "multi_picklist":
        return {"type": "array", "items": {"type": "string", "enum": option_values(field_doc)}}
    if kind == "formula":
        return _type_schema(field_doc, field_doc.get("returns") or "text")
    return _text_schema(field_doc, kind)


def value_schema(field_doc, *, nullable=True):
    """The JSON Schema of ``field_doc``'s value as the API reads and writes it.

    A nullable value adds ``null`` to the type and, for a picklist, to the enum: a record
    whose picklist is empty is valid by the schema.
    """
    kind = field_doc["type"]
    schema = _type_schema(field_doc, kind)
    if nullable:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if kind in COMPUTED:
        schema["readOnly"] = True
    label = (field_doc.get("label") or {}).get("en")
    if label:
        schema["title"] = label
    return schema


def is_written(field_doc):
    """Whether a client may send ``field_doc``'s value (computed and stored-by-runtime fields are not)."""
    return field_doc["type"] not in COMPUTED
