"""Turning stored rows into JSON-ready records, and back for cursors and filters.

Each value is rendered and parsed by its field type (``FieldType.to_json`` / ``parse``).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from tessera.i18n import Message

from ..errors import InvalidQuery
from .builtin import BUILTIN_FIELD_TYPES, SYSTEM_TYPES
from .fieldtype import FieldType
from .values import MAX_ID, MAX_NUMBER_EXPONENT, digits_id, is_record_id, plain_json

__all__ = ["MAX_ID", "MAX_NUMBER_EXPONENT", "SYSTEM_TYPES", "digits_id", "is_record_id", "to_json", "values_json",
           "formula_value", "record_json", "parse_value", "parse_cursor_value", "SYSTEM_OUTPUT", "SORTABLE_SYSTEM", "NUMERIC_RETURNS"]

SYSTEM_OUTPUT = ("id", "version", "owner_id", "created_at", "created_by", "updated_at", "updated_by")
SORTABLE_SYSTEM = {"id", "created_at", "updated_at", "owner_id", "version"}


def to_json(value, field_type=None):
    """Render one stored value as JSON, as ``field_type`` (a FieldType) renders it when given."""
    if value is None:
        return None
    return plain_json(value) if field_type is None else field_type.to_json(value)


_PLAIN = (str, int, bool)


def _json_of(value, kind):
    """``to_json(value, kind)``, skipping the call where it would hand the value back: null,
    and a str, int or bool of a type that renders values as plain JSON does."""
    if value is None:
        return None
    if type(value) in _PLAIN and type(kind).to_json is FieldType.to_json:
        return value
    return kind.to_json(value)


def values_json(obj, values):
    """The JSON form of a mapping of field values (event payloads), fast for plain values."""
    return {name: _json_of(value, obj.value_types[name]) for name, value in values.items()}


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
    fields, plan = model.fields, json_plan(model)
    for name in names:
        if name in row:
            value = row[name]
            is_formula, render = plan[name]
            if is_formula:
                value = formula_value(fields[name], value)
            if value is None:
                out[name] = None
            elif render is None:  # a type rendering values as plain JSON does (see _json_of)
                out[name] = value if type(value) in _PLAIN else plain_json(value)
            else:
                out[name] = render(value)
    return out


def json_plan(model):
    """{field name: (is a formula, its type's to_json or None where that is plain_json)} of an
    object model, worked out once per model (record_json runs on every record read)."""
    plan = model.__dict__.get("_json_plan")
    if plan is None:
        plan = model.__dict__["_json_plan"] = {
            name: (field_doc["type"] == "formula",
                   None if type(model.value_types[name]).to_json is FieldType.to_json else model.value_types[name].to_json)
            for name, field_doc in model.fields.items() if name in model.value_types}
    return plan


def parse_value(field_type, text, *, label):
    """Parse a query-string or cursor value into the stored Python type of ``field_type``
    (a FieldType, or the name of a built-in one).

    Raises InvalidQuery for a value no stored value can equal: one that does not parse, an
    id outside the 64-bit range, a number of absurd magnitude, text holding NUL.
    """
    if text is None:
        return None
    if isinstance(field_type, str):
        field_type = BUILTIN_FIELD_TYPES[field_type]
    if isinstance(text, str) and "\x00" in text:  # PostgreSQL refuses NUL even in a parameter
        raise InvalidQuery("query.param.nul", param=label, errors={label: [Message("input.nul")]})
    try:
        return field_type.parse(text)
    except (ValueError, KeyError, TypeError, InvalidOperation, OverflowError):
        raise InvalidQuery("query.param.invalid_value", param=label, value=repr(text), type=field_type.name,
                           errors={label: [Message("query.invalid_value", type=field_type.name)]}) from None


def parse_cursor_value(field_type, value):
    """The stored value of ``field_type`` (a FieldType) that one value of a decoded cursor stands for.

    Raises InvalidQuery (an invalid cursor) when ``value`` is not null and not of the JSON type
    the field's values are written with in a cursor, or does not parse, or holds NUL.
    """
    if value is None:
        return None
    try:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL")
        return field_type.cursor_value(value)
    except (ValueError, KeyError, TypeError, InvalidOperation, OverflowError):
        raise InvalidQuery("query.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]}) from None
