"""A small LRU cache in front of check(), keyed by (source, scope identity, context, expected)."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from .checker import CheckedFormula, check
from .functions.registry import on_change
from .types import FormulaType, Scope

_MAX_ENTRIES = 512
_entries: OrderedDict = OrderedDict()
_lock = Lock()


def check_cached(source: str, scope: Scope, *, context: str = "field",
                 expected: FormulaType | None = None) -> CheckedFormula:
    """check() with memoisation; the same Scope object must not be mutated afterwards.

    Scopes are matched by identity (build a new Scope per metadata revision).
    Errors are not cached. The cache empties whenever a function is registered.
    """
    key = (source, id(scope), context, expected)
    with _lock:
        hit = _entries.get(key)
        if hit is not None and hit[0] is scope:
            _entries.move_to_end(key)
            return hit[1]
    result = check(source, scope, context=context, expected=expected)
    with _lock:
        _entries[key] = (scope, result)  # holding the scope keeps its id from being reused
        while len(_entries) > _MAX_ENTRIES:
            _entries.popitem(last=False)
    return result


def clear_check_cache() -> None:
    """Forget every cached check result."""
    with _lock:
        _entries.clear()


on_change(clear_check_cache)
