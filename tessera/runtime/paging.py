"""Page sizes of every listing the runtime serves (records, audit, users)."""

from .errors import InvalidQuery

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


def parse_limit(text, *, default=DEFAULT_LIMIT, most=MAX_LIMIT):
    """Parse a ``limit`` parameter: ASCII digits from 1 to ``most``; ``default`` when absent."""
    if text in (None, ""):
        return default
    text = str(text)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= most:
        raise InvalidQuery(f"limit must be a whole number from 1 to {most}",
                           errors={"limit": [f"must be from 1 to {most}"]})
    return int(text)
