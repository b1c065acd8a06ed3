"""Marshmallow schemas generated from field metadata: they validate and coerce input."""

from .builtin import BUILTIN_FIELD_TYPES
from .fastload import FastLoader
from .messages import CodedSchema, code_messages


def _loader_fields(field_docs, types, *, partial):
    result = {}
    for field_doc in field_docs:
        kind = types[field_doc["type"]]
        if not kind.writable:
            continue
        must_have = bool(field_doc.get("required")) or kind.always_required
        required = must_have and not partial and "default" not in field_doc
        options = {"required": required, "allow_none": not must_have}
        result[field_doc["name"]] = code_messages(kind.loader(field_doc, options))
    return result


def build_loader(object_name, field_docs, *, partial, types=BUILTIN_FIELD_TYPES):
    """Return a loader (marshmallow Schema behind a fast path) for creating or updating records.

    It refuses unknown fields, coerces each value to its stored Python type and keys
    every error by field name; each field's type (from ``types``) supplies its loader.
    """
    attrs = _loader_fields(field_docs, types, partial=partial)
    suffix = "Update" if partial else "Create"
    schema_class = CodedSchema.from_dict(attrs, name=f"{object_name}{suffix}")
    return FastLoader(schema_class(), field_docs, types, partial=partial)
