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

from sqlalchemy import and_, func, or_

from tessera.i18n import Message

from ..errors import InvalidQuery

#: Field types whose values a search reads.
SEARCH_TYPES = frozenset({"text", "email", "phone", "url"})
#: The longest search text taken (a name, not a document).
MAX_SEARCH = 200


def title_field_name(obj):
    """The field that names a record: the document's ``title_field``, else its first text field."""
    named = obj.doc.get("title_field")
    if named in obj.fields:
        return named
    return next((n for n, f in obj.fields.items() if f["type"] == "text"), None)


def searchable_fields(obj):
    """The stored fields of ``obj`` a search reads: its title field first, then the text fields
    flagged ``indexed`` or ``unique``, in document order."""
    title = title_field_name(obj)
    names = [title] if title is not None else []
    for name, doc in obj.fields.items():
        if name != title and doc["type"] in SEARCH_TYPES and (doc.get("indexed") or doc.get("unique")):
            names.append(name)
    return [n for n in names if n in obj.table.c]


def _refuse(code, **params):
    raise InvalidQuery(f"query.search.{code}", errors={"q": [Message(f"query.search_{code}", **params)]}, **params)


def search_condition(obj, readable, text, dialect):
    """The SQL condition of search ``text`` over the searchable fields in ``readable``, or None
    for a blank text; InvalidQuery when the text is too long or no such field is readable."""
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
    return or_(*(prefix_range(obj.table.c[n], text.lower(), dialect) for n in fields))


def searched_expression(column, dialect):
    """The expression a search compares (and an index on it serves): ``lower(column)``, byte-ordered."""
    expression = func.lower(column)
    return expression.collate("C") if dialect == "postgresql" else expression


def prefix_range(column, prefix, dialect):
    """The rows whose lowered ``column`` starts with ``prefix`` (already lowered), as a range."""
    expression = searched_expression(column, dialect)
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
