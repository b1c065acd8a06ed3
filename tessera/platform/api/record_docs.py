"""What the record routes share in their OpenAPI declarations: parameters and bodies."""

from ..openapi.components import obj, query, ref

WHERE = query("filter", "A boolean formula: only records for which it is true.")
SORT = query("sort", "Fields, comma-separated; a leading minus sorts descending (-amount,title).")
FIELDS = query("fields", "The fields to return, comma-separated (all readable fields when absent).")
PAGE_SIZE = {"type": "integer", "minimum": 1, "maximum": 1000}
SEARCH = query("q", "Search: records whose title field (or a text field flagged indexed or unique) starts "
                     "with this text, ignoring case.", {"type": "string", "maxLength": 200})
LIST_QUERY = (WHERE, SEARCH, SORT, FIELDS, query("limit", "Records per page.", PAGE_SIZE),
              query("cursor", "The next_cursor of the previous page."))
#: An If-Match value: ``*`` (any version) or a version as its entity tag, ``"3"`` (``W/`` and the
#: quotes may be left out); the header is checked against this and the document states it.
IF_MATCH_VALUE = r'^\s*(?:\*|(?:W/)?"?([0-9]+)"?)\s*$'
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string", "pattern": IF_MATCH_VALUE},
            "description": 'The version the change expects, as the ETag ("3"), or * for any: 409 when stale.'}
EQUALITY_NOTE = "Any other query parameter that names a readable field filters by equality, as for the list."
CREATED_BATCH = obj(("ids",), ids={"type": "array", "items": {"type": "integer"}})
#: One record, or a batch of 1 to MAX_BATCH_SIZE (a setting: ``{max_batch}`` is filled in per document).
CREATE_BODY = {"anyOf": [ref("{object}_create"),
                         {"type": "array", "items": ref("{object}_create"), "minItems": 1, "maxItems": "{max_batch}"}]}
HISTORY = {"type": "object", "required": ["items"],
           "properties": {"items": {"type": "array", "items": {"type": "object", "additionalProperties": True}}}}
