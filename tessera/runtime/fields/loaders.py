"""Marshmallow schemas generated from field metadata: they validate and coerce input."""

from datetime import timezone

from marshmallow import ValidationError, fields, validate

from tessera.i18n import Message

from tessera.metadata.fieldtypes import lookup_target, numeric_shape, option_values, text_length

from .fastload import DoesNotFit, FastLoader, numeric_fitter
from .messages import CodedLength, CodedRange, CodedSchema, coded, one_of
from .serialize import MAX_ID

PHONE = r"^\+?[0-9 ()./-]{3,40}$"
NUL_MESSAGE = Message("input.nul")


def no_nul(value):
    """Refuse text holding NUL: PostgreSQL cannot store it, so no database may accept it."""
    if "\x00" in value:
        raise ValidationError(NUL_MESSAGE)


class UtcDateTime(fields.DateTime):
    """ISO 8601 input; an offset is converted to UTC, a naive value is taken as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            try:
                parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
            except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00 is past the last representable year
                raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None
        return parsed


def _shown(value, most=40):
    """A value as quoted in a message, cut short so an error never echoes a whole payload."""
    text = value if isinstance(value, str) else repr(value)
    return f'"{text[:most]}…"' if len(text) > most else f'"{text}"'


class MultiPicklist(fields.Field):
    """A list of distinct allowed values, stored joined by ';'.

    Every error is a flat, readable message on the field itself (never a dict by index).
    """

    default_error_messages = {"invalid": Message("input.invalid.list")}

    def __init__(self, options, **kwargs):
        super().__init__(**kwargs)
        self.options = frozenset(options)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        unknown = [v for v in value if not isinstance(v, str) or v not in self.options]
        if unknown:
            raise ValidationError([Message("input.not_an_option", value=_shown(v)) for v in unknown])
        if len(set(value)) != len(value):
            raise ValidationError(Message("input.repeated"))
        return ";".join(value)


class FixedPoint(fields.Decimal):
    """A decimal that fits ``precision`` digits with ``scale`` of them after the point.

    Input is never rounded: too many digits on either side of the point is an error.
    """

    def __init__(self, precision, scale, **kwargs):
        super().__init__(**kwargs)
        self.fit = numeric_fitter(precision, scale)

    def _validated(self, value):
        number = super()._validated(value)
        try:
            return self.fit(number)
        except DoesNotFit as error:
            raise ValidationError(error.args[0]) from None


def _numeric(field_doc, options):
    precision, scale = numeric_shape(field_doc)
    checks = []
    if "min" in field_doc or "max" in field_doc:
        checks.append(CodedRange(min=field_doc.get("min"), max=field_doc.get("max")))
    return FixedPoint(precision, scale, validate=checks, error_messages=coded(FixedPoint), **options)


def _text(field_doc, options, cls=fields.String, *checks):
    return cls(validate=[CodedLength(max=text_length(field_doc)), no_nul, *checks], error_messages=coded(cls), **options)


def _record_id(field_doc, options):
    """A positive id; one beyond the 64-bit id range names a record that cannot exist."""
    target = lookup_target(field_doc)

    def in_range(value):
        if value > MAX_ID:
            raise ValidationError(Message("record.not_found", object=target, id=value))
    return fields.Integer(strict=True, validate=[CodedRange(min=1), in_range], error_messages=coded(fields.Integer),
                          **options)


BUILDERS = {
    "text": _text,
    "long_text": _text,
    "email": lambda f, o: _text(f, o, fields.Email),
    "url": lambda f, o: _text(f, o, fields.Url),
    "phone": lambda f, o: _text(f, o, fields.String, validate.Regexp(PHONE, error=Message("input.invalid.phone"))),
    "picklist": lambda f, o: fields.String(validate=one_of(option_values(f)), error_messages=coded(fields.String), **o),
    "multi_picklist": lambda f, o: MultiPicklist(option_values(f), error_messages=coded(MultiPicklist), **o),
    "number": _numeric,
    "currency": _numeric,
    "percent": _numeric,
    "boolean": lambda f, o: fields.Boolean(error_messages=coded(fields.Boolean), **o),
    "date": lambda f, o: fields.Date(error_messages=coded(fields.Date), **o),
    "datetime": lambda f, o: UtcDateTime(error_messages=coded(UtcDateTime), **o),
    "lookup": _record_id,
    "master_detail": _record_id,
    "user": _record_id,
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
    schema_class = CodedSchema.from_dict(attrs, name=f"{object_name}{suffix}")
    return FastLoader(schema_class(), field_docs, partial=partial)
