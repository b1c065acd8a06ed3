"""Choosing the locale of a reader: an Accept-Language header, or the process environment."""

import os

from .catalogs import DEFAULT_LOCALE


def _supported(tag):
    tag = tag.strip().lower().replace("_", "-")
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def _quality(params):
    params = params.strip()
    if not params.startswith("q="):
        return 1.0
    try:
        return float(params[2:])
    except ValueError:
        return 0.0


def pick_locale(accept_language, fallback=DEFAULT_LOCALE):
    """Return the supported locale the Accept-Language header prefers most, else ``fallback``."""
    best, best_q = None, -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.partition(";")
        locale, q = _supported(tag), _quality(params)
        if locale and q > best_q:
            best, best_q = locale, q
    return best or fallback


def env_locale(environ=None):
    """The locale of a command-line process: TESSERA_LOCALE, else LC_ALL, LC_MESSAGES, LANG; en by default."""
    environ = os.environ if environ is None else environ
    for name in ("TESSERA_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return _supported(value.split(".")[0]) or DEFAULT_LOCALE
    return DEFAULT_LOCALE
