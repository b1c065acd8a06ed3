"""Formula diagnostics render from the shared catalog (``tessera/formula/locales``).

Each diagnostic code ``c`` is the catalog code ``formula.c``; its parameters may be
nested messages (a hint, the alternatives the parser expected), rendered per locale.
"""
from __future__ import annotations

from tessera.i18n import Message


def message(code: str, params: dict) -> Message:
    """The catalog message of diagnostic ``code`` with ``params`` (an absent hint is empty)."""
    return Message(f"formula.{code}", **{"hint": "", **params})


def render(code: str, params: dict) -> tuple[str, str]:
    """Return the (English, Chinese) message for `code` filled with `params`."""
    text = message(code, params)
    return text.render("en"), text.render("zh-CN")
