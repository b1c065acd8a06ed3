"""Marshmallow fields the built-in field types load input with."""

import re
from datetime import timezone

from marshmallow import ValidationError, fields

from tessera.i18n import Message
from tessera.metadata.fieldtype_registry import text_length
from tessera.metadata.fieldtypes import lookup_target, numeric_shape

from .fastload import DoesNotFit, numeric_fitter
from .messages import CodedLength, CodedRange, coded
from .values import MAX_ID, is_decimal_text

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


def whole_match(pattern, error):
    """A validator passing text that ``pattern`` matches whole (``$`` alone would let a final
    newline through in Python, not in JSON Schema)."""
    compiled = re.compile(pattern)

    def check(value):
        if compiled.fullmatch(value) is None:
            raise ValidationError(error)
    return check


class StrictBoolean(fields.Boolean):
    """JSON true or false only: not 0 or 1 (which equal True and False in Python), not text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value


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
        if isinstance(value, str) and not is_decimal_text(value):
            raise self.make_error("invalid")
        number = super()._validated(value)
        try:
            return self.fit(number)
        except DoesNotFit as error:
            raise ValidationError(error.args[0]) from None


def numeric_input(field_doc, options):
    """A FixedPoint of the field's shape, within its min and max."""
    precision, scale = numeric_shape(field_doc)
    checks = []
    if "min" in field_doc or "max" in field_doc:
        checks.append(CodedRange(min=field_doc.get("min"), max=field_doc.get("max")))
    return FixedPoint(precision, scale, validate=checks, error_messages=coded(FixedPoint), **options)


def text_input(field_doc, options, cls=fields.String, *checks):
    """A string of at most the field's length, without NUL."""
    return cls(validate=[CodedLength(max=text_length(field_doc)), no_nul, *checks], error_messages=coded(cls), **options)


def record_id_input(field_doc, options):
    """A positive id; one beyond the 64-bit id range names a record that cannot exist."""
    target = lookup_target(field_doc)

    def in_range(value):
        if value > MAX_ID:
            raise ValidationError(Message("record.not_found", object=target, id=value))
    return fields.Integer(strict=True, validate=[CodedRange(min=1), in_range], error_messages=coded(fields.Integer),
                          **options)


