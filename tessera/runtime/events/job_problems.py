"""How a background job stores what it produced: plain JSON values and problems.

A job's result and problem outlive the request that started it and are read later in
any locale, so a problem is stored with its status, code and its text in every locale.
"""

import json
from decimal import Decimal

from tessera.i18n import LOCALES, render


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def plain_json(value):
    """``value`` as the API writes it (decimals as strings, messages in English), for a JSON column."""
    return json.loads(json.dumps(value, default=_plain))


def _texts(message):
    return {locale: render(message, locale) for locale in LOCALES}


def failure_json(status, code, message, errors=None):
    """A job's problem as stored: status, code, and each text in every locale."""
    found = {"status": status, "code": code, "detail": _texts(message)}
    if errors:
        found["errors"] = {path: [_texts(m) for m in (ms if isinstance(ms, list) else [ms])]
                           for path, ms in errors.items()}
    return found
