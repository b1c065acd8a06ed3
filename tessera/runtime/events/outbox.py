"""The events outbox: every write appends its event in the same transaction."""

import uuid

from sqlalchemy import insert

from tessera.metadata.store import utcnow

from ..schema.system_tables import outbox

#: ``conn.info`` key of what is causing the writes on a connection now (an automation run:
#: ``{"automation", "depth", "event"}``); events appended meanwhile carry it as ``cause``.
CAUSE_KEY = "tessera.event_cause"


def _caused(conn, payload):
    cause = conn.info.get(CAUSE_KEY)
    if cause is None or not isinstance(payload, dict):
        return payload
    return {**payload, "cause": cause}


def event_row(event_type, object_name, record_id, payload, actor_id, now=None):
    """Return the outbox row for one event, with a fresh idempotency key."""
    return {
        "event_type": event_type,
        "object": object_name,
        "record_id": record_id,
        "payload": payload,
        "actor_id": actor_id,
        "created_at": now or utcnow(),
        "idempotency_key": uuid.uuid4().hex,
        "attempts": 0,
    }


def append_event(conn, event_type, object_name, record_id, payload, actor_id, now=None):
    """Append one event to the outbox on ``conn``; return its id."""
    row = event_row(event_type, object_name, record_id, _caused(conn, payload), actor_id, now)
    return conn.execute(insert(outbox).returning(outbox.c.id), [row]).scalar_one()


def append_events(conn, rows):
    """Append many prepared event rows at once."""
    if rows:
        if conn.info.get(CAUSE_KEY) is not None:
            rows = [{**row, "payload": _caused(conn, row["payload"])} for row in rows]
        conn.execute(insert(outbox), rows)


def append_events_from(conn, query):
    """Append the events ``query`` selects, in the column order of ``EVENT_COLUMNS``."""
    conn.execute(insert(outbox).from_select(EVENT_COLUMNS, query))


EVENT_COLUMNS = ["event_type", "object", "record_id", "payload", "actor_id", "created_at", "idempotency_key",
                 "attempts"]
