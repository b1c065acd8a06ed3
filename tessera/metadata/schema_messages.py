"""JSON Schema violations as catalog messages, chosen by the failing keyword and never by
the validator's English text."""

from tessera.i18n import Message

_LIMITS = {"maxLength", "minLength", "minimum", "maximum", "minItems", "maxItems",
           "minProperties", "maxProperties", "exclusiveMinimum", "exclusiveMaximum"}


def _names(values):
    values = values if isinstance(values, (list, tuple)) else [values]
    return ", ".join(str(v) for v in values)


def _missing(error):
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [name for name in error.validator_value if name not in instance]


def _unexpected(error):
    instance = error.instance if isinstance(error.instance, dict) else {}
    known = set((error.schema or {}).get("properties", {}))
    return sorted(str(name) for name in instance if name not in known)


def schema_message(error):
    """The Message for one jsonschema ``ValidationError``."""
    keyword = error.validator
    if keyword == "required":
        return Message("metadata.schema.required", names=_names(_missing(error)))
    if keyword == "additionalProperties":
        return Message("metadata.schema.additional_properties", names=_names(_unexpected(error)))
    if keyword in ("type", "enum", "const", "pattern"):
        return Message(f"metadata.schema.{keyword}", expected=_names(error.validator_value))
    if keyword in _LIMITS:
        return Message(f"metadata.schema.{keyword}", limit=error.validator_value)
    if keyword in ("oneOf", "anyOf", "uniqueItems"):
        return Message(f"metadata.schema.{keyword}")
    return Message("metadata.schema.invalid", keyword=keyword)
