"""Turning a received JSON payload into record values, as an endpoint's mapping says.

Each mapped field names a source: a JSON Pointer (``"/contact/email"``), or an object with
an optional ``path``, an optional ``transform`` and an optional ``default`` (the value when
the path is absent or null; with no path, a constant). A field whose path is absent and
has no default is left out: a new record gets the field's own default, an update keeps
the stored value.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from tessera.i18n import Message
from tessera.metadata.json_pointer import MISSING, resolve

from ..errors import RecordInvalid

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class TransformFailed(ValueError):
    """A value the transform cannot take; carries the message code."""


def _text_only(value):
    if not isinstance(value, str):
        raise TransformFailed("inbound.transform.not_text")
    return value


def _as_text(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise TransformFailed("inbound.transform.not_text")
    return value if isinstance(value, str) else format(value, "f") if isinstance(value, Decimal) else str(value)


def _as_number(value):
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise TransformFailed("inbound.transform.not_a_number")
    text = value.strip().replace(",", "") if isinstance(value, str) else str(value)
    if not _NUMBER.fullmatch(text):
        raise TransformFailed("inbound.transform.not_a_number")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise TransformFailed("inbound.transform.not_a_number") from None


def _as_date(value):
    if not isinstance(value, str):
        raise TransformFailed("inbound.transform.not_a_date")
    text = value.strip()
    try:
        return (date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()).isoformat()
    except ValueError:
        raise TransformFailed("inbound.transform.not_a_date") from None


TRANSFORMS = {
    "lower": lambda v: _text_only(v).lower(),
    "upper": lambda v: _text_only(v).upper(),
    "trim": lambda v: _text_only(v).strip(),
    "text": _as_text,
    "number": _as_number,
    "date": _as_date,
}


def _value(source, payload):
    """The value of one source in ``payload``: MISSING, or a JSON value (transformed)."""
    if isinstance(source, str):
        return resolve(payload, source)
    value = resolve(payload, source["path"]) if "path" in source else MISSING
    if (value is MISSING or value is None) and "default" in source:
        return source["default"]
    if value is MISSING or value is None or "transform" not in source:
        return value
    return TRANSFORMS[source["transform"]](value)


def map_payload(mapping, payload):
    """{field: value} for every mapped field found in ``payload``; RecordInvalid naming each
    field whose transform refused its value."""
    values, errors = {}, {}
    for name, source in mapping.items():
        try:
            value = _value(source, payload)
        except TransformFailed as failed:
            errors[name] = [Message(str(failed), transform=source["transform"])]
            continue
        if value is not MISSING:
            values[name] = value
    if errors:
        raise RecordInvalid("inbound.payload.invalid", errors=errors)
    return values
