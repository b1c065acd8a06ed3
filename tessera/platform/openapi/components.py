"""Schemas shared by the route declarations, and shorthands for writing them.

Route modules name these through ``ref``; ``SCHEMAS`` puts them in every document.
"""

from tessera.metadata.names import IDENTIFIER, RESERVED_WORDS


def ref(name):
    """A reference to the component schema ``name`` (``{object}`` is filled in per object)."""
    return {"$ref": f"#/components/schemas/{name}"}


def query(name, description, schema=None):
    """An optional query parameter, text unless ``schema`` says otherwise."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def items_of(schema):
    """``{"items": [...]}`` of ``schema``."""
    return {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": schema}}}


def obj(required=(), **properties):
    """An object schema with ``properties``, of which ``required`` must be present."""
    return {"type": "object", "properties": properties, "required": list(required)}


TEXT, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
ANY_OBJECT = {"type": "object", "additionalProperties": True}
NULLABLE_TEXT, NULLABLE_ID = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
STAMP, NULLABLE_STAMP = {"type": "string", "format": "date-time"}, {"type": ["string", "null"], "format": "date-time"}
LABEL = {"type": "object", "additionalProperties": {"type": "string"}, "description": "Text per locale: en, zh-CN."}
#: A name that is a safe SQL identifier and no reserved word: objects, fields, teams, roles.
NAME = {"type": "string", "pattern": IDENTIFIER.pattern, "not": {"enum": sorted(RESERVED_WORDS)}}
TEXT_LIST = {"type": "array", "items": TEXT}

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": TEXT, "title": TEXT, "status": INTEGER, "detail": TEXT, "code": TEXT, "instance": TEXT,
        "errors": {"type": "object", "additionalProperties": TEXT_LIST},
    },
}
USER = obj(("id", "username"), id=INTEGER, username=TEXT, display_name=NULLABLE_TEXT, email=NULLABLE_TEXT,
           locale=NULLABLE_TEXT, active=BOOLEAN, is_admin=BOOLEAN, team=NULLABLE_TEXT, roles=TEXT_LIST,
           manager=NULLABLE_ID, permission_sets=TEXT_LIST, created_at=STAMP, updated_at=NULLABLE_STAMP)
TOKEN = obj(("id", "name"), id=INTEGER, name=TEXT, user=INTEGER, scope=TEXT,
            objects={"type": ["array", "null"], "items": TEXT}, created_at=STAMP, expires_at=NULLABLE_STAMP,
            last_used_at=NULLABLE_STAMP, revoked_at=NULLABLE_STAMP)
UNIT = obj(("id", "name"), id=INTEGER, name=TEXT, label=LABEL, parent=NULLABLE_TEXT)
SCHEMAS = {"Problem": PROBLEM, "User": USER, "Token": TOKEN, "Unit": UNIT}
