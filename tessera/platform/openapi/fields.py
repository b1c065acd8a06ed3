"""The JSON Schema of one field's value: what its field type says, made nullable and titled.

``value_schema`` is the one place the document asks a field type for its schema
(``FieldType.openapi_schema``), so a plugin's type documents itself.
"""


def value_schema(field_doc, value_type, *, mode="read", nullable=True, writable=True):
    """The JSON Schema of ``field_doc``'s value as the API reads (``mode="read"``) or takes it.

    ``value_type`` is the FieldType of the values (a formula's result type, a roll-up's
    stored type). A nullable value adds ``null`` to the type and, for an enum, to its
    values: a record whose picklist is empty is valid by the schema.
    """
    schema = dict(value_type.openapi_schema(field_doc, mode))
    if nullable and "type" in schema:
        schema["type"] = [*schema["type"], "null"] if isinstance(schema["type"], list) else [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
    if not writable:
        schema["readOnly"] = True
    label = (field_doc.get("label") or {}).get("en")
    if label:
        schema["title"] = label
    return schema
