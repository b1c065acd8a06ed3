"""The catalogs: one JSON object per layer and locale, mapping a message code to its template.

Templates use ``{name}`` placeholders (``str.format`` fields without attribute access
or indexing); every locale of a code must use the same placeholders.
"""

import json
import string
from functools import lru_cache
from pathlib import Path

LOCALES = ("en", "zh-CN")
DEFAULT_LOCALE = "en"
LAYERS = ("formula", "metadata", "runtime", "platform", "designer")

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_extra_dirs: list[Path] = []


def register_catalog(directory):
    """Add a directory holding ``<locale>.json`` catalogs (a plugin's own codes)."""
    path = Path(directory)
    if path not in _extra_dirs:
        _extra_dirs.append(path)
        catalog.cache_clear()


def catalog_files(locale):
    """Every catalog file of ``locale``, the layers' first, then the registered ones."""
    dirs = [_PACKAGE_ROOT / layer / "locales" for layer in ("i18n", *LAYERS)] + _extra_dirs
    return [d / f"{locale}.json" for d in dirs if (d / f"{locale}.json").is_file()]


@lru_cache(maxsize=None)
def catalog(locale):
    """The merged mapping code -> template of ``locale`` (empty for an unknown locale)."""
    merged = {}
    for path in catalog_files(locale):
        merged.update(json.loads(path.read_text("utf-8")))
    return merged


def template(code, locale):
    """The template of ``code`` in ``locale``, else in English, else None."""
    return catalog(locale).get(code) or catalog(DEFAULT_LOCALE).get(code)


def placeholders(text):
    """The set of placeholder names a template uses."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
