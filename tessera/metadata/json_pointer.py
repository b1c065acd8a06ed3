"""JSON Pointers (RFC 6901): checking their syntax and reading the value one names.

A pointer is empty (the whole document) or a sequence of ``/``-prefixed reference tokens in
which ``~1`` stands for ``/`` and ``~0`` for ``~``; any other ``~`` is an error. An array is
indexed by ``0`` or a decimal number without leading zeros; ``-`` (the element after the
last) never names a value.
"""

import re

POINTER = re.compile(r"(/([^~/]|~[01])*)*")
_INDEX = re.compile(r"0|[1-9][0-9]*")


class Missing:
    """The value of a pointer naming nothing in the document."""

    def __repr__(self):
        return "MISSING"


MISSING = Missing()


def is_pointer(text):
    """True when ``text`` is a syntactically valid JSON Pointer."""
    return isinstance(text, str) and POINTER.fullmatch(text) is not None


def tokens(pointer):
    """The unescaped reference tokens of ``pointer``; ValueError when it is not a pointer."""
    if not is_pointer(pointer):
        raise ValueError(f"not a JSON Pointer: {pointer!r}")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def resolve(document, pointer):
    """The value ``pointer`` names in ``document``, or MISSING when it names nothing."""
    value = document
    for token in tokens(pointer):
        if isinstance(value, dict):
            if token not in value:
                return MISSING
            value = value[token]
        elif isinstance(value, list):
            if not _INDEX.fullmatch(token) or int(token) >= len(value):
                return MISSING
            value = value[int(token)]
        else:
            return MISSING
    return value
