"""Search: the records whose searchable fields start with what the user typed.

The rule: a record matches ``q`` when one of its searchable fields the reader may read
starts with ``q``, ignoring case. Searchable are the object's title field and the text
fields (text, email, phone, url) flagged ``indexed`` or ``unique``. A prefix match rather
than "contains": an index can serve a prefix, never a substring, and a typeahead or a
search box is typed from the start of a name.

The match is a range, ``lower(column) >= 'q' AND lower(column) < 'r'`` (``q`` with its
last character advanced), compared byte by byte (SQLite's BINARY collation, PostgreSQL's
``COLLATE "C"``), where every string starting with ``q`` and no other falls in the range.
A B-tree index on that expression serves the range on both databases; LIKE 'q%' would
need a NOCASE column on SQLite and a pattern operator class on PostgreSQL. No wildcard
exists, so ``%`` and ``_`` typed are plain characters.
"""

import sys

from sqlalchemy import and_, func, literal, or_, select

from tessera.i18n import Message
from tessera.metadata.search_fields import searchable_field_names

from ..errors import InvalidQuery

#: The longest search text taken (a name, not a document).
MAX_SEARCH = 200


def searchable_fields(obj):
    """The stored fields of ``obj`` a search reads: its title field first, then the text fields
    flagged ``indexed`` or ``unique``, in document order (each has the plan's search index)."""
    return [n for n in searchable_field_names(obj.doc) if n in obj.table.c]


def _refuse(code, **params):
    raise InvalidQuery(f"query.search.{code}", errors={"q": [Message(f"query.search_{code}", **params)]}, **params)


#: On SQLite, a prefix at least this many records start with is "common" (see ``search_condition``).
COMMON_PREFIX = 2000


def search_condition(obj, readable, text, dialect, *, listing_on=None):
    """The SQL condition of search ``text`` over the searchable fields in ``readable``, or None
    for a blank text; InvalidQuery when the text is too long or no such field is readable.

    ``listing_on`` (a SQLite connection) asks for the condition of a page of records in an
    order: SQLite's planner, knowing nothing of how many rows a range holds, reads a common
    prefix's range from the search index and then sorts it all. So when a probe through the
    index finds at least COMMON_PREFIX matches, the condition hides its expression from the
    index (``lower(x) || ''``), and the page is read in its own order, where matches are dense."""
    if text and len(text) > MAX_SEARCH:
        _refuse("too_long", max=MAX_SEARCH)
    text = (text or "").strip()
    if not text:
        return None
    if "\x00" in text:
        _refuse("nul")
    allowed = set(readable)
    fields = [n for n in searchable_fields(obj) if n in allowed]
    if not fields:
        _refuse("no_fields", object=obj.name)
    columns, prefix = [obj.table.c[n] for n in fields], text.lower()
    condition = or_(*(prefix_range(c, prefix, dialect) for c in columns))
    if listing_on is None or dialect != "sqlite" or not _common(listing_on, obj, condition):
        return condition
    return or_(*(prefix_range(c, prefix, dialect, hidden=True) for c in columns))


def _common(conn, obj, condition):
    probe = select(literal(1)).select_from(obj.table).where(condition).limit(COMMON_PREFIX).subquery()
    return conn.execute(select(func.count()).select_from(probe)).scalar_one() >= COMMON_PREFIX


def searched_expression(column, dialect):
    """The expression a search compares (and an index on it serves): ``lower(column)``, byte-ordered."""
    expression = func.lower(column)
    return expression.collate("C") if dialect == "postgresql" else expression


def prefix_range(column, prefix, dialect, *, hidden=False):
    """The rows whose lowered ``column`` starts with ``prefix`` (already lowered), as a range;
    ``hidden``: an expression equal in value that no index serves."""
    expression = searched_expression(column, dialect)
    if hidden:
        expression = expression.concat("")
    upper = _next_prefix(prefix)
    if upper is None:
        return expression >= prefix
    return and_(expression >= prefix, expression < upper)


def _next_prefix(prefix):
    """The smallest string greater than every string starting with ``prefix`` (None: no such string)."""
    while prefix and ord(prefix[-1]) == sys.maxunicode:
        prefix = prefix[:-1]
    if not prefix:
        return None
    following = ord(prefix[-1]) + 1
    if 0xD800 <= following <= 0xDFFF:  # surrogates are no characters: skip to the next one
        following = 0xE000
    return prefix[:-1] + chr(following)
