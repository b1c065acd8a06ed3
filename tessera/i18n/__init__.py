"""Messages as codes with parameters, rendered per locale from JSON catalogs.

This package imports no layer of Tessera, so every layer (formula, metadata, runtime,
platform, designer) may use it without breaking the layer order. Each layer owns its
codes in ``tessera/<layer>/locales/<locale>.json``; plugins add theirs with
``register_catalog``.
"""

from .catalogs import (DEFAULT_LOCALE, LOCALES, catalog, catalog_files, placeholders,
                      register_catalog, template)
from .locale import env_locale, pick_locale
from .message import Message, Translated, as_message, render

__all__ = [
    "DEFAULT_LOCALE", "LOCALES", "Message", "as_message", "catalog", "catalog_files", "env_locale",
    "pick_locale", "placeholders", "register_catalog", "render", "template", "Translated",
]
