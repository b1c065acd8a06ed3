"""Events and webhooks for administrators: events by status (dead letters first of all),
retrying a dead event, and each webhook's delivery log. Keyset-paged by id."""

from flask import request

from tessera.i18n import Message
from tessera.runtime.errors import InvalidQuery
from tessera.runtime.events.event_log import STATUSES
from tessera.runtime.events.dispatcher import MAX_PAGE
from tessera.runtime.fields.serialize import MAX_ID, digits_id

from ..converters import at_most_regex
from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, NULLABLE_TEXT, TEXT, obj, query
from .common import ctx, runtime
from .guards import admin_only

NULLABLE_INTEGER = {"type": ["integer", "null"]}
CURSOR = query("cursor", "The next_cursor of the previous page.",
               {"type": "string", "pattern": f"^{at_most_regex(MAX_ID)}$"})
LIMIT = query("limit", "Items per page (default 50).", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE})
STATUS = query("status", "Events in this status (default dead).", {"type": "string", "enum": list(STATUSES)})
DELIVERY = obj(("subscriber", "status", "attempts"), subscriber=TEXT, status=TEXT, attempts=INTEGER,
               next_attempt_at=NULLABLE_TEXT, last_error=NULLABLE_TEXT)
EVENT = obj(("id", "type", "status", "deliveries"), id=INTEGER, type=TEXT, object=NULLABLE_TEXT,
            record_id=NULLABLE_INTEGER, occurred_at=TEXT, actor=NULLABLE_INTEGER,
            status={"type": "string", "enum": list(STATUSES)}, deliveries={"type": "array", "items": DELIVERY})
ATTEMPT = obj(("id", "event_id", "at", "attempt", "delivered", "status_code", "duration_ms"),
              id=INTEGER, event_id=INTEGER, at=TEXT, attempt=INTEGER, delivered={"type": "boolean"},
              status_code=NULLABLE_INTEGER, duration_ms=INTEGER, error=NULLABLE_TEXT)


def _page(items_schema):
    return obj(("items", "next_cursor"), items={"type": "array", "items": items_schema}, next_cursor=NULLABLE_TEXT)


def _limit():
    text = request.args.get("limit")
    if text is None:
        return 50
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        raise InvalidQuery("query.param.invalid_value", param="limit", value=repr(text), type="integer",
                           errors={"limit": [Message("query.limit.range", max=MAX_PAGE)]})
    return int(text)


def _status():
    text = request.args.get("status", "dead")
    if text not in STATUSES:
        raise InvalidQuery("query.param.invalid_value", param="status", value=repr(text), type="status",
                           errors={"status": [Message("input.one_of", choices=", ".join(STATUSES))]})
    return text


def _cursor():
    text = request.args.get("cursor")
    if text is None:
        return None
    found = 0 if text == "0" else digits_id(text)
    if found is None:
        raise InvalidQuery("api.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]})
    return found or None  # 0 stands for the first page


def _answer(items, cursor):
    return json_response({"items": items, "next_cursor": None if cursor is None else str(cursor)})


@operation("listEvents", "List events by delivery status (dead letters by default), oldest first", tag="events",
           admin=True, parameters=(STATUS, LIMIT, CURSOR), returns=_page(EVENT))
def list_events():
    """Events in one status with their deliveries; ``next_cursor`` continues after the last."""
    admin_only()
    status, limit, after = _status(), _limit(), _cursor()
    return _answer(*runtime().events.list(ctx(), status=status, after=after, limit=limit))


@operation("retryEvent", "Deliver a dead event again, with fresh attempts", tag="events", admin=True,
           body_required=False, returns=EVENT)
def retry_event(event_id):
    """Make the event's dead deliveries due now; 404 for an unknown event, 409 when none is dead."""
    admin_only()
    return json_response(runtime().events.retry(ctx(), event_id))


@operation("listWebhookDeliveries", "A webhook's delivery attempts, newest first", tag="events", admin=True,
           parameters=(LIMIT, CURSOR), returns=_page(ATTEMPT))
def webhook_deliveries(name):
    """Each attempt: when, which event, the answer's status code, how long it took, which attempt."""
    admin_only()
    limit, before = _limit(), _cursor()
    return _answer(*runtime().webhooks.deliveries(ctx(), name, before=before, limit=limit))


def register(bp):
    """Add the event and webhook routes to ``bp``."""
    bp.add_url_rule("/events", "events_list", list_events, methods=["GET"])
    bp.add_url_rule("/events/<int:event_id>/retry", "events_retry", retry_event, methods=["POST"])
    bp.add_url_rule("/webhooks/<name>/deliveries", "webhook_deliveries", webhook_deliveries, methods=["GET"])
