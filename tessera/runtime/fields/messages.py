"""marshmallow's messages as catalog codes, chosen by error key and never by English text.

Every field the loaders build gets ``error_messages`` mapping each key its class knows
(``required``, ``null``, ``invalid``, ...) to a Message; the validators get Messages too.
marshmallow fills them with ``format`` (``{max}``, ``{choices}``), which a Message turns
into parameters.
"""

from marshmallow import Schema, validate

from tessera.i18n import Message


def _error_keys(field_class):
    """Each error key of ``field_class`` -> (the most derived class that words it, its wording)."""
    owners = {}
    for klass in reversed(field_class.__mro__):
        for key, text in (vars(klass).get("default_error_messages") or {}).items():
            owners[key] = (klass, text)
    return owners


def error_code(field_class, key):
    """The catalog code of ``key`` on ``field_class``: ``input.invalid.<type>`` or ``input.<key>``."""
    owner, text = _error_keys(field_class).get(key, (field_class, None))
    if isinstance(text, Message):
        return text.code
    if key != "invalid":
        return f"input.{key}"
    kind = getattr(field_class, "OBJ_TYPE", None) or owner.__name__.lower()  # date and datetime share a wording
    return f"input.invalid.{kind}"


def coded(field_class):
    """``error_messages`` for ``field_class`` with a Message for every key."""
    return {key: Message(error_code(field_class, key)) for key in _error_keys(field_class)}


def code_messages(field):
    """Give ``field`` (a marshmallow field, perhaps a plugin's) a Message for every error key
    it still words in plain English; messages that render themselves are kept."""
    for key, text in list(field.error_messages.items()):
        if not isinstance(text, Message) and not hasattr(text, "translations"):
            field.error_messages[key] = Message(error_code(type(field), key))
    return field


class CodedSchema(Schema):
    """A schema whose own errors (an unknown field, a payload of the wrong type) are codes."""

    error_messages = {"unknown": Message("input.unknown"), "type": Message("input.invalid.type")}


class CodedLength(validate.Length):
    """Length with coded messages."""

    message_min = Message("input.length.min")
    message_max = Message("input.length.max")
    message_all = Message("input.length.between")
    message_equal = Message("input.length.equal")


class CodedRange(validate.Range):
    """Range with coded messages: the comparison words are nested messages of their own."""

    def __init__(self, min=None, max=None, **kwargs):
        super().__init__(min, max, **kwargs)
        low = Message("input.op.gte" if self.min_inclusive else "input.op.gt")
        high = Message("input.op.lte" if self.max_inclusive else "input.op.lt")
        self.message_min = Message("input.range.min", min_op=low)
        self.message_max = Message("input.range.max", max_op=high)
        self.message_all = Message("input.range.between", min_op=low, max_op=high)


def one_of(choices):
    """OneOf with a coded message listing the choices."""
    return validate.OneOf(choices, error=Message("input.one_of_choices"))
