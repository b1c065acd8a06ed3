"""The field types the metadata language knows, and what each requires.

A field type here is pure description: which properties it takes and what the formula
language sees. How it is stored is the runtime's business (``runtime/schema/columns.py`` and ``runtime/fields``).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldTypeSpec:
    """What one field type accepts: its name, formula type and allowed properties."""

    name: str
    formula_type: str
    properties: frozenset = field(default_factory=frozenset)
    required: frozenset = field(default_factory=frozenset)
    stored: bool = True


COMMON_PROPERTIES = frozenset(
    {"name", "type", "label", "help", "required", "unique", "indexed", "default"}
)

_SPECS = [
    FieldTypeSpec("text", "text", frozenset({"max_length"})),
    FieldTypeSpec("long_text", "text", frozenset({"max_length"})),
    FieldTypeSpec("number", "number", frozenset({"precision", "scale", "min", "max"})),
    FieldTypeSpec("currency", "currency", frozenset({"precision", "scale", "min", "max"})),
    FieldTypeSpec("percent", "percent", frozenset({"precision", "scale", "min", "max"})),
    FieldTypeSpec("boolean", "boolean"),
    FieldTypeSpec("date", "date"),
    FieldTypeSpec("datetime", "datetime"),
    FieldTypeSpec("picklist", "picklist", frozenset({"options"}), frozenset({"options"})),
    FieldTypeSpec("multi_picklist", "multi_picklist", frozenset({"options"}), frozenset({"options"})),
    FieldTypeSpec("email", "text"),
    FieldTypeSpec("phone", "text"),
    FieldTypeSpec("url", "text"),
    FieldTypeSpec("lookup", "lookup", frozenset({"target", "on_delete"}), frozenset({"target"})),
    FieldTypeSpec("master_detail", "lookup", frozenset({"target"}), frozenset({"target"})),
    FieldTypeSpec("auto_number", "text", frozenset({"format"}), frozenset({"format"})),
    FieldTypeSpec("user", "lookup", frozenset({"on_delete"})),
    FieldTypeSpec("formula", "", frozenset({"expression", "returns", "scale"}),
                  frozenset({"expression", "returns"}), stored=False),
    FieldTypeSpec("rollup", "", frozenset({"child", "via", "function", "of", "filter", "scale"}),
                  frozenset({"child", "via", "function"})),
]

FIELD_TYPES = {spec.name: spec for spec in _SPECS}

#: Default sizes, written down once so validation and storage agree.
DEFAULT_TEXT_LENGTH = 255
DEFAULT_LONG_TEXT_LENGTH = 32000
DEFAULT_SCALE = {"number": 2, "currency": 2, "percent": 4, "rollup": 2}
DEFAULT_PRECISION = {"number": 18, "currency": 18, "percent": 9, "rollup": 18}


def register_field_type(spec):
    """Make a new field type known to the metadata language (used by plugins)."""
    if spec.name in FIELD_TYPES:
        raise ValueError(f"field type {spec.name!r} is already registered")
    FIELD_TYPES[spec.name] = spec


def lookup_target(field_doc):
    """Return the object a relation field points at, or None for other fields."""
    if field_doc["type"] == "user":
        return "user"
    if field_doc["type"] in ("lookup", "master_detail"):
        return field_doc.get("target")
    return None


def text_length(field_doc):
    """Return the maximum length of a text-like field."""
    if field_doc["type"] == "long_text":
        return field_doc.get("max_length", DEFAULT_LONG_TEXT_LENGTH)
    if field_doc["type"] in ("text", "email", "phone", "url", "picklist", "auto_number"):
        return field_doc.get("max_length", DEFAULT_TEXT_LENGTH)
    return None


def numeric_shape(field_doc):
    """Return (precision, scale) of a numeric field."""
    kind = field_doc["type"]
    return (
        field_doc.get("precision", DEFAULT_PRECISION[kind]),
        field_doc.get("scale", DEFAULT_SCALE[kind]),
    )


def option_values(field_doc):
    """Return the list of allowed values of a picklist field."""
    return [o if isinstance(o, str) else o["value"] for o in field_doc.get("options", [])]
