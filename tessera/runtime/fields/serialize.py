"""Turning stored rows into JSON-ready records, and back for cursors and filters."""

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tessera.i18n import Message

from ..errors import InvalidQuery

SYSTEM_OUTPUT = ("id", "version", "owner_id", "created_at", "created_by", "updated_at", "updated_by")
SORTABLE_SYSTEM = {"id", "created_at", "updated_at", "owner_id", "version"}
SYSTEM_TYPES = {
    "id": "lookup", "owner_id": "user", "created_by": "user", "updated_by": "user",
    "created_at": "datetime", "updated_at": "datetime", "version": "number",
}


def to_json(value, field_type=None):
    """Render one stored value as JSON: exact decimals as strings, UTC datetimes with Z."""
    if value is None:
        return None
    if field_type == "multi_picklist":
        return value.split(";") if value else []
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds").removesuffix(".000000") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


_PLAIN = (str, int, bool)


def values_json(obj, values):
    """The JSON form of a mapping of field values (event payloads), fast for plain values."""
    out = {}
    for name, value in values.items():
        kind = obj.fields[name]["type"]
        plain = value is None or (type(value) in _PLAIN and kind != "multi_picklist")
        out[name] = value if plain else to_json(value, kind)
    return out


NUMERIC_RETURNS = {"number": 10, "currency": 2, "percent": 4}


def formula_value(field_doc, value):
    """A formula field's value as shown: numbers rounded (half away from zero) to its scale."""
    scale = NUMERIC_RETURNS.get(field_doc.get("returns"))
    if scale is None or value is None:
        return value
    scale = field_doc.get("scale", scale)
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def record_json(model, row, names):
    """Return the JSON form of ``row`` with the system columns and the fields in ``names``."""
    out = {"id": row["id"], "version": row["version"], "owner": row["owner_id"]}
    for key in ("created_at", "created_by", "updated_at", "updated_by"):
        out[key] = to_json(row[key])
    for name in names:
        if name in row:
            field_doc = model.fields[name]
            value = formula_value(field_doc, row[name]) if field_doc["type"] == "formula" else row[name]
            out[name] = to_json(value, field_doc["type"])
    return out


def _parse_datetime(text):
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


#: The largest id a record can have: ids are signed 64-bit integers on both databases.
MAX_ID = 2**63 - 1


def is_record_id(value):
    """True when ``value`` is an int that can be the id of a stored row (1..MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def digits_id(text):
    """The id written as ``text`` (decimal digits within 1..MAX_ID), or None."""
    return int(text) if isinstance(text, str) and text.isdigit() and is_record_id(int(text)) else None

#: Numbers further from 1 than this many powers of ten fit no numeric field (precision <= 38,
#: scale <= 18) and PostgreSQL cannot compare some of them; such a query value is refused.
MAX_NUMBER_EXPONENT = 40


def _parse_number(text):
    """A finite Decimal of sensible magnitude (zero, or 1e-40 .. 1e40 in absolute value)."""
    number = Decimal(text)
    if not number.is_finite() or (number and abs(number.adjusted()) > MAX_NUMBER_EXPONENT):
        raise ValueError("out of range")
    return number


def _parse_id(text):
    """An integer in the signed 64-bit range of the id columns."""
    number = int(text)
    if not -MAX_ID - 1 <= number <= MAX_ID:
        raise ValueError("out of range")
    return number


PARSERS = {
    "number": _parse_number, "currency": _parse_number, "percent": _parse_number,
    "lookup": _parse_id, "master_detail": _parse_id, "user": _parse_id,
    "boolean": lambda t: {"true": True, "false": False, "1": True, "0": False}[str(t).lower()],
    "date": date.fromisoformat,
    "datetime": _parse_datetime,
}


def parse_value(field_type, text, *, label):
    """Parse a query-string or cursor value into the stored Python type of ``field_type``.

    Raises InvalidQuery for a value no stored value can equal: one that does not parse, an
    id outside the 64-bit range, a number of absurd magnitude, text holding NUL.
    """
    if text is None:
        return None
    if isinstance(text, str) and "\x00" in text:  # PostgreSQL refuses NUL even in a parameter
        raise InvalidQuery("query.param.nul", param=label, errors={label: [Message("input.nul")]})
    try:
        return PARSERS.get(field_type, str)(text)
    except (ValueError, KeyError, TypeError, InvalidOperation, OverflowError):
        raise InvalidQuery("query.param.invalid_value", param=label, value=repr(text), type=field_type,
                           errors={label: [Message("query.invalid_value", type=field_type)]}) from None
