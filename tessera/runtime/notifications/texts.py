"""A notification's message as stored: a code with JSON parameters, rendered when read.

Parameters may be plain JSON values, Messages (stored as ``{"$message": code, "params"}``)
or texts an administrator wrote in several locales (``Translated``, stored as
``{"$translated": {"en": ..., "zh-CN": ...}}``); reading turns them back, so a notification
renders in whichever locale its reader uses.
"""

from datetime import date, datetime
from decimal import Decimal

from tessera.i18n import Message, Translated

#: The code of a notification whose whole text an administrator wrote ({"en": ..., "zh-CN": ...}).
TEXT_CODE = "notification.text"


def _param(value):
    if isinstance(value, Message):
        return {"$message": value.code, "params": {k: _param(v) for k, v in value.params.items()}}
    if isinstance(value, Translated):
        return {"$translated": dict(value.translations)}
    if isinstance(value, (list, tuple)):
        return [_param(v) for v in value]
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def encode(message):
    """(code, params) to store for ``message``: a Message, a Translated text or a locale mapping."""
    if isinstance(message, Message):
        return message.code, {k: _param(v) for k, v in message.params.items()}
    if isinstance(message, dict):
        message = Translated({k: str(v) for k, v in message.items()})
    if isinstance(message, Translated):
        return TEXT_CODE, {"text": _param(message)}
    raise TypeError(f"a notification's message is a Message or a Translated text, not {type(message).__name__}")


def _value(stored):
    if isinstance(stored, dict) and "$message" in stored:
        return Message(stored["$message"], **{k: _value(v) for k, v in (stored.get("params") or {}).items()})
    if isinstance(stored, dict) and "$translated" in stored:
        return Translated(stored["$translated"])
    if isinstance(stored, list):
        return [_value(v) for v in stored]
    return stored


def decode(code, params):
    """The Message stored as ``code`` with ``params``."""
    return Message(code, **{k: _value(v) for k, v in (params or {}).items()})
