"""A record value as text on a page, in the reader's locale."""

from decimal import Decimal, InvalidOperation

from tessera.i18n import Message

PERCENT_SCALE = 2


def _number(value, scale=None):
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if scale is not None:
        number = number.quantize(Decimal(1).scaleb(-scale))
    text = f"{number:,f}"
    return text


def _boolean(value, locale):
    return Message("ui.value.yes" if value else "ui.value.no").render(locale)


def _computed(view, value):
    """A formula's number at its declared scale, else without the zeros of the engine's precision."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    if view.scale is not None:
        return number.quantize(Decimal(1).scaleb(-view.scale))
    return number.normalize()


def show(view, value, locale):
    """``value`` of the field ``view`` (a FieldView) as text; empty text for no value. A formula's
    value is shown as a value of the type it returns."""
    if value is None or value == "" or value == []:
        return ""
    kind = view.returns or view.type
    if view.returns in ("number", "integer", "currency", "percent"):
        value = _computed(view, value)
    if kind == "boolean":
        return _boolean(value, locale)
    if kind == "picklist":
        return view.option_label(value)
    if kind == "multi_picklist":
        return ", ".join(view.option_label(v) for v in value)
    if kind == "currency":
        return _number(value, 2 if isinstance(value, (int, float, Decimal)) else None)
    if kind == "percent":
        return f"{_number(Decimal(str(value)) * 100, PERCENT_SCALE)} %"
    if kind in ("number", "integer"):
        return _number(value)
    if kind == "datetime":
        return str(value).replace("T", " ")[:16] + " UTC"
    return str(value)


def input_value(view, value):
    """``value`` as the HTML input of ``view`` takes it (text), or a list for a multi-select."""
    if value is None:
        return [] if view.input == "multiselect" else ""
    if view.type == "percent":
        return f"{(Decimal(str(value)) * 100).normalize():f}"
    if view.input == "datetime-local":
        return str(value)[:16]
    if view.input == "multiselect":
        return list(value)
    return str(value)
