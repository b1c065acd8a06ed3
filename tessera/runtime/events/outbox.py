"""The events outbox: every write appends its event in the same transaction."""

import uuid

from sqlalchemy import Integer, String, func, insert, literal

from tessera.metadata.store import utcnow

from ..schema.system_tables import outbox


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


def append_event(conn, event_type, object_name, record_id, payload, actor_id):
    """Append one event to the outbox on ``conn``; return its id."""
    row = event_row(event_type, object_name, record_id, payload, actor_id)
    return conn.execute(insert(outbox).returning(outbox.c.id), [row]).scalar_one()


def append_events(conn, rows):
    """Append many prepared event rows at once."""
    if rows:
        conn.execute(insert(outbox), rows)


def changes_payload(dialect, field, old, new, extra):
    """SQL aggregating a group's (field, old JSON, new JSON) rows into an update event's payload:
    ``{"changes": {field: {"old", "new"}}, **extra}`` (``extra`` maps names to str or int)."""
    members = []
    for name, value in extra.items():
        members += [literal(name, String), literal(value, Integer if isinstance(value, int) else String)]
    if dialect == "postgresql":
        changes = func.json_object_agg(field, func.json_build_object(literal("old", String), old,
                                                                       literal("new", String), new))
        return func.json_build_object(literal("changes", String), changes, *members)
    changes = func.json_group_object(field, func.json_object("old", func.json(old), "new", func.json(new)))
    return func.json_object("changes", changes, *members)


def append_events_from(conn, query):
    """Append the events ``query`` selects, in the column order of ``EVENT_COLUMNS``."""
    conn.execute(insert(outbox).from_select(EVENT_COLUMNS, query))


EVENT_COLUMNS = ["event_type", "object", "record_id", "payload", "actor_id", "created_at", "idempotency_key",
                 "attempts"]
