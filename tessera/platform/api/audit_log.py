"""GET /audit: administrators search the audit log, newest first, with keyset pagination."""

from flask import request

from tessera.runtime.audit import log as audit
from tessera.runtime.fields.serialize import MAX_ID
from ..converters import at_most_regex
from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, NULLABLE_TEXT, obj, query
from .common import runtime

ID = {"type": "string", "pattern": f"^{at_most_regex(MAX_ID)}$"}
AUDIT_QUERY = (query("event", "An event name such as login.failed, or a prefix such as login.",
                     {"type": "string", "pattern": audit.EVENT_PATTERN.pattern}),
               query("actor", "Only entries by this user id.", ID),
               query("record_id", "Only entries about this record id.", ID),
               *(query(name, f"Only entries with this {name}.") for name in ("object", "outcome", "subject")),
               query("since", "From this time on (ISO 8601).", {"type": "string", "format": "date-time"}),
               query("until", "Before this time (ISO 8601).", {"type": "string", "format": "date-time"}),
               query("limit", "Entries per page.", {"type": "integer", "minimum": 1, "maximum": audit.MAX_LIMIT}),
               query("cursor", "The next_cursor of the previous page."))
from .guards import admin_only


@operation("searchAudit", "Search the audit log, newest first", tag="audit", admin=True, parameters=AUDIT_QUERY,
           returns=obj(("items",), items={"type": "array", "items": ANY_OBJECT}, next_cursor=NULLABLE_TEXT))
def search():
    """Audit entries filtered by event (or prefix like ``login.``), actor, object, record, outcome, time."""
    admin_only()
    with runtime().read() as conn:
        return json_response(audit.search(conn, request.args.to_dict()))


def register(bp):
    """Add the audit route to ``bp``."""
    bp.add_url_rule("/audit", "audit_search", search, methods=["GET"])
