"""Page sizes of every listing the runtime serves (records, audit, users)."""

from tessera.i18n import Message

from .errors import InvalidQuery

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def parse_limit(text, *, default=DEFAULT_LIMIT, most=MAX_LIMIT):
    """Parse a ``limit`` parameter: ASCII digits from 1 to ``most``; ``default`` when absent
    (given but empty, it is refused like any other text that is not a number)."""
    if text is None:
        return default
    text = str(text)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise InvalidQuery("query.limit.range", max=most, errors={"limit": [Message("input.from_to", min=1, max=most)]})
    return int(text)
