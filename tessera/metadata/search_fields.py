"""Which fields a search reads, decided from an object document alone.

The plan needs the answer to create the index a search uses, and the runtime to build the
search itself: one rule for both. A search reads the object's title field and the text
fields (text, email, phone, url) flagged ``indexed`` or ``unique``.
"""

#: Field types whose values a search reads.
SEARCH_TYPES = frozenset({"text", "email", "phone", "url"})


def title_field_of(doc):
    """The field that names a record: the document's ``title_field``, else its first text field."""
    names = [f["name"] for f in doc["fields"]]
    named = doc.get("title_field")
    if named in names:
        return named
    return next((f["name"] for f in doc["fields"] if f["type"] == "text"), None)


def searchable_field_names(doc):
    """The fields of object document ``doc`` a search reads: the title field first, then the
    text fields flagged ``indexed`` or ``unique``, in document order."""
    title = title_field_of(doc)
    names = [title] if title is not None else []
    names += [f["name"] for f in doc["fields"]
              if f["name"] != title and f["type"] in SEARCH_TYPES and (f.get("indexed") or f.get("unique"))]
    return names
