"""Static default values must fit their field, or the document is refused."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from tessera.i18n import Message

from .fieldtypes import numeric_shape, option_values, text_length


def _numeric_problem(field_doc, value):
    if isinstance(value, bool):
        return Message("metadata.default.number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return Message("metadata.default.number")
    precision, scale = numeric_shape(field_doc)
    if not number.is_finite() or abs(number) >= Decimal(10) ** (precision - scale):
        return Message("input.digits_before_point", digits=precision - scale)
    return None


def _temporal_problem(field_doc, value):
    parse = date.fromisoformat if field_doc["type"] == "date" else datetime.fromisoformat
    try:
        parse(str(value).replace("Z", "+00:00"))
    except ValueError:
        return Message(f"metadata.default.iso_{field_doc['type']}")
    return None


def _text_problem(field_doc, value):
    if not isinstance(value, str):
        return Message("metadata.default.text")
    limit = text_length(field_doc)
    if limit and len(value) > limit:
        return Message("metadata.default.too_long", max=limit)
    if field_doc["type"] == "picklist" and value not in option_values(field_doc):
        return Message("input.not_an_option", value=f'"{value}"')
    return None


def _multi_problem(field_doc, value):
    if not isinstance(value, list) or not set(value) <= set(option_values(field_doc)):
        return Message("metadata.default.options")
    return None


CHECKS = {
    "number": _numeric_problem, "currency": _numeric_problem, "percent": _numeric_problem,
    "date": _temporal_problem, "datetime": _temporal_problem,
    "text": _text_problem, "long_text": _text_problem, "email": _text_problem, "phone": _text_problem,
    "url": _text_problem, "picklist": _text_problem, "multi_picklist": _multi_problem,
    "boolean": lambda f, v: None if isinstance(v, bool) else Message("metadata.default.boolean"),
}


def default_problem(field_doc):
    """Return why a field's static ``default`` cannot be stored in it, or None."""
    value = field_doc.get("default")
    if value is None or isinstance(value, dict):
        return None
    check = CHECKS.get(field_doc["type"])
    if check is None:
        return Message("metadata.default.none", type=field_doc["type"])
    return check(field_doc, value)
