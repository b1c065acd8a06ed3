"""Marshmallow schemas generated from field metadata: they validate and coerce input."""

from datetime import timezone
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from tessera.metadata.fieldtypes import numeric_shape, option_values, text_length

from .fastload import FastLoader

PHONE = r"^\+?[0-9 ()./-]{3,40}$"


class UtcDateTime(fields.DateTime):
    """ISO 8601 input; an offset is converted to UTC, a naive value is taken as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
        return parsed


class MultiPicklist(fields.List):
    """A list of allowed values, stored joined by ';'."""

    def _deserialize(self, value, attr, data, **kwargs):
        values = super()._deserialize(value, attr, data, **kwargs)
        if len(set(values)) != len(values):
            raise ValidationError("values must not repeat")
        return ";".join(values)


def _numeric(field_doc, options):
    precision, scale = numeric_shape(field_doc)
    limit = Decimal(10) ** (precision - scale)
    checks = [validate.Range(min=-limit, max=limit, min_inclusive=False, max_inclusive=False,
                             error=f"must have at most {precision - scale} digits before the decimal point")]
    if "min" in field_doc or "max" in field_doc:
        checks.append(validate.Range(min=field_doc.get("min"), max=field_doc.get("max")))
    return fields.Decimal(places=scale, validate=checks, **options)


def _text(field_doc, options, cls=fields.String):
    return cls(validate=validate.Length(max=text_length(field_doc)), **options)


BUILDERS = {
    "text": _text,
    "long_text": _text,
    "email": lambda f, o: _text(f, o, fields.Email),
    "url": lambda f, o: _text(f, o, fields.Url),
    "phone": lambda f, o: fields.String(validate=[validate.Length(max=text_length(f)), validate.Regexp(PHONE, error="not a valid phone number")], **o),
    "picklist": lambda f, o: fields.String(validate=validate.OneOf(option_values(f)), **o),
    "multi_picklist": lambda f, o: MultiPicklist(fields.String(validate=validate.OneOf(option_values(f))), **o),
    "number": _numeric,
    "currency": _numeric,
    "percent": _numeric,
    "boolean": lambda f, o: fields.Boolean(**o),
    "date": lambda f, o: fields.Date(**o),
    "datetime": lambda f, o: UtcDateTime(**o),
    "lookup": lambda f, o: fields.Integer(strict=True, validate=validate.Range(min=1), **o),
    "master_detail": lambda f, o: fields.Integer(strict=True, validate=validate.Range(min=1), **o),
    "user": lambda f, o: fields.Integer(strict=True, validate=validate.Range(min=1), **o),
}

#: Fields the user never writes: the runtime fills them.
READ_ONLY_TYPES = frozenset({"auto_number"})


def _loader_fields(field_docs, *, partial):
    result = {}
    for field_doc in field_docs:
        if field_doc["type"] in READ_ONLY_TYPES or field_doc["type"] not in BUILDERS:
            continue
        must_have = bool(field_doc.get("required")) or field_doc["type"] == "master_detail"
        required = must_have and not partial and "default" not in field_doc
        options = {"required": required, "allow_none": not must_have}
        result[field_doc["name"]] = BUILDERS[field_doc["type"]](field_doc, options)
    return result


def build_loader(object_name, field_docs, *, partial):
    """Return a loader (marshmallow Schema behind a fast path) for creating or updating records.

    It refuses unknown fields, coerces each value to its stored Python type and keys
    every error by field name.
    """
    attrs = _loader_fields(field_docs, partial=partial)
    suffix = "Update" if partial else "Create"
    schema_class = Schema.from_dict(attrs, name=f"{object_name}{suffix}")
    return FastLoader(schema_class(), field_docs, partial=partial)
