"""The schemas of one published object's records: read, create, partial update and a page.

They are components named ``{object}``, ``{object}_create``, ``{object}_update`` and
``{object}_page``, so a generated client gets one model each, named after the component
(no ``title``: a generator would name the model after it, and labels may repeat). Required fields are
required (and never null) when reading and creating; an update names only what changes.
"""

from .fields import value_schema

SYSTEM_PROPERTIES = {
    "id": {"type": "integer", "readOnly": True},
    "version": {"type": "integer", "readOnly": True},
    "owner": {"type": "integer", "readOnly": True},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "created_by": {"type": ["integer", "null"], "readOnly": True},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "updated_by": {"type": ["integer", "null"], "readOnly": True},
}
ALWAYS_READ = ["id", "version", "owner", "created_at", "updated_at"]
SUFFIXES = ("", "_create", "_update", "_page")


def _required(field_doc):
    return bool(field_doc.get("required")) or field_doc["type"] == "master_detail"


def _written(obj, field_types):
    """The fields a client may send (computed and runtime-filled ones are not)."""
    return [n for n, f in obj.fields.items() if field_types[f["type"]].writable]


def _properties(obj, names, field_types, mode="read"):
    return {name: value_schema(obj.fields[name], obj.value_types[name], mode=mode,
                               nullable=not _required(obj.fields[name]),
                               writable=field_types[obj.fields[name]["type"]].writable)
            for name in names}


def read_schema(obj, field_types):
    """A record of ``obj`` as the API returns it (``fields`` may leave fields out, never the system ones)."""
    properties = {**SYSTEM_PROPERTIES, **_properties(obj, obj.fields, field_types)}
    return {"type": "object", "description": obj.label(), "properties": properties, "required": list(ALWAYS_READ)}


def create_schema(obj, field_types):
    """The body that creates a record of ``obj``: required fields without a default must be sent."""
    names = _written(obj, field_types)
    required = [n for n in names if _required(obj.fields[n]) and "default" not in obj.fields[n]]
    return {"type": "object", "description": f"A new {obj.label()} record",
            "properties": _properties(obj, names, field_types, "write"),
            "required": required, "additionalProperties": False}


def update_schema(obj, field_types):
    """The body of a partial update: any written field, and the ``version`` it expects."""
    names = _written(obj, field_types)
    properties = {"version": {"type": "integer", "description": "The version being changed: 409 when stale."},
                  **_properties(obj, names, field_types, "write")}
    return {"type": "object", "description": f"Changes to one {obj.label()} record", "properties": properties,
            "additionalProperties": False}


def page_schema(name):
    """A page of ``name`` records and the cursor of the next one."""
    return {"type": "object", "required": ["items", "next_cursor"], "properties": {
        "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
        "next_cursor": {"type": ["string", "null"]}}}


def object_schemas(name, obj, field_types):
    """The four components of object ``name``; ``field_types`` is the revision's registry."""
    return {name: read_schema(obj, field_types), f"{name}_create": create_schema(obj, field_types),
            f"{name}_update": update_schema(obj, field_types), f"{name}_page": page_schema(name)}


def equality_parameters(obj):
    """One query parameter per stored field of ``obj``: the list's equality filters."""
    return [{"name": name, "in": "query", "required": False,
             "description": "Equal to this value (empty: no value).", "schema": {"type": "string"}}
            for name in obj.stored_fields if obj.value_types[name].filterable]
