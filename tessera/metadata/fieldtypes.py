"""Field types as the metadata language sees them, and helpers over field documents.

A field type is one object (see ``FieldType``). This layer uses its descriptive half:
the JSON Schema of its properties (checked when a draft is saved), the type formulas see,
whether it has a column, how a static default is checked and how a migration plan
compares two versions of a field. The runtime subclass (``tessera.runtime.fields.FieldType``)
adds storage, loading, serialisation and the API schema to the same object.
"""

from functools import cached_property

from jsonschema import Draft202012Validator

from tessera.i18n import Message

from .schema_messages import schema_message

COMMON_PROPERTIES = frozenset(
    {"name", "type", "label", "help", "required", "unique", "indexed", "default"}
)

#: Default sizes, written down once so validation and storage agree.
DEFAULT_TEXT_LENGTH = 255
DEFAULT_LONG_TEXT_LENGTH = 32000
DEFAULT_SCALE = {"number": 2, "currency": 2, "percent": 4, "rollup": 2}
DEFAULT_PRECISION = {"number": 18, "currency": 18, "percent": 9, "rollup": 18}


class FieldType:
    """One field type: everything Tessera knows about fields of this ``name``.

    Subclasses override the class attributes and methods that differ; keyword arguments
    of the constructor override attributes per instance (``TextType("email")``).
    """

    name = ""
    formula_type = "text"
    #: JSON Schema of each property this type adds to the common ones, by property name.
    properties = {}
    required = frozenset()
    stored = True
    #: False when the runtime fills the value and input may not set it (auto numbers, formulas).
    writable = True
    #: Types of one family convert in place; ``change_steps`` of the new type says how.
    family = None
    #: Longest text a field of this type holds by default (None: not text).
    default_length = None
    #: The type's own name for people, by locale ({"en": ..., "zh-CN": ...}).
    label = {}

    def __init__(self, name=None, **overrides):
        if name is not None:
            self.name = name
        for key, value in overrides.items():
            if not hasattr(type(self), key):
                raise TypeError(f"{type(self).__name__} has no attribute {key!r}")
            setattr(self, key, value)

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"

    def property_schema(self):
        """The JSON Schema a field document of this type must satisfy (properties only)."""
        return {"type": "object", "properties": dict(self.properties), "required": sorted(self.required)}

    def property_errors(self, field_doc, path):
        """{path.property: [message]} for properties this type does not take, lacks or refuses."""
        errors = {}
        for prop in sorted(set(field_doc) - COMMON_PROPERTIES - set(self.properties)):
            errors[f"{path}.{prop}"] = [Message("metadata.field.foreign_property", type=self.name)]
        for prop in sorted(set(self.required) - set(field_doc)):
            errors[f"{path}.{prop}"] = [Message("metadata.field.required_property", type=self.name)]
        own = {k: v for k, v in field_doc.items() if k in self.properties}
        for error in self._property_validator.iter_errors(own):
            prop = error.absolute_path[0] if error.absolute_path else ""
            errors.setdefault(f"{path}.{prop}", []).append(schema_message(error))
        return errors

    @cached_property
    def _property_validator(self):
        return Draft202012Validator({"type": "object", "properties": dict(self.properties)})

    def text_length(self, field_doc):
        """The longest text a field of this type holds, or None when it holds no text."""
        return None if self.default_length is None else field_doc.get("max_length", self.default_length)

    def default_problem(self, field_doc, value):
        """Why ``value`` cannot be the static default of ``field_doc``, or None."""
        return Message("metadata.default.none", type=self.name)

    def change_steps(self, obj, old, new, old_type):
        """Plan steps turning column ``old`` (of ``old_type``, this type or one of its family)
        into ``new``, or None when the column must be dropped and added again."""
        return [] if old["type"] == new["type"] else None


def lookup_target(field_doc):
    """Return the object a relation field points at, or None for other fields."""
    if field_doc["type"] == "user":
        return "user"
    if field_doc["type"] in ("lookup", "master_detail"):
        return field_doc.get("target")
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
