"""The plugin's messages (codes in its own catalogs, ``locales/<locale>.json``, which the
``tessera_register_catalogs`` hook hands to Tessera) and its label."""

from tessera.i18n import Message

LABEL = {"en": "Unified social credit code", "zh-CN": "统一社会信用代码"}


def message(key, **params):
    """The plugin's message ``key`` with ``params``; the API renders it in the reader's locale."""
    return Message(f"cn_credit_code.{key}", **params)
