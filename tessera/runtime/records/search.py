"""Search: the records whose searchable fields start with what the user typed.

The rule: a record matches ``q`` when one of its searchable fields the reader may read
starts with ``q``, ignoring case. Searchable are the object's title field and the text
fields (text, email, phone, url) flagged ``indexed`` or ``unique``. A prefix match rather
than "contains": an index can serve a prefix, never a substring, and a typeahead or a
search box is typed from the start of a name. The match is ``lower(column) LIKE 'q%'``
with LIKE's wildcards escaped, so ``%`` and ``_`` typed are plain characters.
"""

from sqlalchemy import func, or_

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


def search_condition(obj, readable, text):
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
    prefix = text.lower()
    return or_(*(func.lower(obj.table.c[n]).startswith(prefix, autoescape=True) for n in fields))
