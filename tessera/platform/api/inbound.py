"""Inbound endpoints: receiving JSON that becomes a record (by token or signature), and the
administrators' list and replay of payloads refused as invalid."""

import json

from flask import request

from tessera.runtime.automation.inbound import MAX_PAGE

from ..jsonio import json_response, raw_body
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, INTEGER, TEXT, obj
from ..problems import request_locale
from .common import ctx, runtime
from .events import CURSOR, _cursor, _limit, _page
from .guards import admin_only, object_body

RECORD = {**obj(("id", "version"), id=INTEGER, version=INTEGER), "additionalProperties": True}
UPDATED = {"200": {"description": "An existing record (the external id's) was updated", "schema": RECORD}}
SIGNATURE = {"name": "X-Tessera-Signature", "in": "header", "required": False,
             "schema": {"type": "string", "maxLength": 1000},
             "description": "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with the endpoint's "
                            "secret>: instead of a bearer token (the request then acts as the endpoint's run_as)."}
FAILURE = obj(("id", "received_at", "payload", "errors", "attempts"), id=INTEGER, received_at=TEXT,
              payload={}, errors=ANY_OBJECT, attempts=INTEGER, last_attempt_at=TEXT, actor_id={"type": ["integer", "null"]})
LIMIT = {"name": "limit", "in": "query", "required": False, "description": "Items per page (default 50).",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}}


def _record_answer(upserted):
    record = upserted.record
    headers = {"ETag": f'"{record["version"]}"',
               "Content-Location": f"{request.script_root}/api/v1/objects/{upserted.object}/records/{record['id']}"}
    if upserted.created:
        headers["Location"] = headers["Content-Location"]
    return json_response(record, 201 if upserted.created else 200, headers)


def _text(raw):
    return raw.decode(json.detect_encoding(raw))


@operation("receiveInbound", "Create or update a record from a JSON payload, by its external id", tag="inbound",
           status="201", body=ANY_OBJECT, returns=RECORD, also=UPDATED, parameters=(SIGNATURE,))
def receive(name):
    """201 with the record created, 200 with the record updated; 422 (kept for replay) when invalid."""
    payload = object_body()
    return _record_answer(runtime().inbound.receive(ctx(), name, payload, _text(raw_body())))


@operation("listInboundFailures", "Payloads an inbound endpoint refused as invalid, oldest first",
           tag="inbound", admin=True, parameters=(LIMIT, CURSOR), returns=_page(FAILURE))
def list_failures(name):
    """Each kept payload with its errors (in the reader's locale) and attempts; keyset-paged by id."""
    admin_only()
    limit, after = _limit(), _cursor()
    items, cursor = runtime().inbound.failures(ctx(), name, after=after, limit=limit, locale=request_locale())
    return json_response({"items": items, "next_cursor": None if cursor is None else str(cursor)})


@operation("replayInboundFailure", "Map a refused payload again and write its record", tag="inbound", admin=True,
           status="201", body_required=False, returns=RECORD, also=UPDATED)
def replay(name, failure_id):
    """201 or 200 as for receiving; 422 when still invalid (kept), 409 when replayed already."""
    admin_only()
    return _record_answer(runtime().inbound.replay(ctx(), name, failure_id))


def register(bp):
    """Add the inbound routes to ``bp``."""
    bp.add_url_rule("/inbound/<name>", "inbound_receive", receive, methods=["POST"])
    bp.add_url_rule("/inbound/<name>/failed", "inbound_failures", list_failures, methods=["GET"])
    bp.add_url_rule("/inbound/<name>/failed/<int:failure_id>/replay", "inbound_replay", replay, methods=["POST"])
