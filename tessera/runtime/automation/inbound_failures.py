"""Payloads an inbound endpoint refused as invalid, kept for replay (``tessera_inbound_failure``).

A kept payload is ``failed`` until a replay writes its record; it is then ``replayed``,
naming that record, and never replayed again. Its errors are stored rendered in every
locale, so the list shows them in the reader's.
"""

import json
from decimal import Decimal

from sqlalchemy import insert, select, update

from tessera.i18n import LOCALES, render

from ..fields.serialize import to_json
from .inbound_tables import inbound_failure


def rendered(errors):
    """{locale: {path: [text]}} of an error's ``errors``."""
    return {locale: {path: render(list(messages), locale) for path, messages in errors.items()}
            for locale in LOCALES}


def keep(conn, endpoint, body, errors, actor_id, now):
    """Keep the refused payload ``body`` (JSON text) of ``endpoint``; return its id."""
    values = {"endpoint": endpoint, "status": "failed", "body": body, "errors": rendered(errors),
              "actor_id": actor_id, "received_at": now, "attempts": 1, "last_attempt_at": now}
    return conn.execute(insert(inbound_failure).values(**values)).inserted_primary_key[0]


def note_attempt(conn, failure_id, errors, now):
    """Record another refused attempt at failed payload ``failure_id`` with its new errors."""
    conn.execute(update(inbound_failure).where(inbound_failure.c.id == failure_id)
                 .values(errors=rendered(errors), attempts=inbound_failure.c.attempts + 1, last_attempt_at=now))


def load(conn, endpoint, failure_id, *, for_update=False):
    """The row of failure ``failure_id`` of ``endpoint``, or None."""
    query = select(inbound_failure).where(inbound_failure.c.id == failure_id, inbound_failure.c.endpoint == endpoint)
    return conn.execute(query.with_for_update() if for_update else query).mappings().first()


def mark_replayed(conn, failure_id, record_id, now):
    """Mark failure ``failure_id`` replayed into record ``record_id``; False when it was not failed any more."""
    moved = conn.execute(update(inbound_failure)
                         .where(inbound_failure.c.id == failure_id, inbound_failure.c.status == "failed")
                         .values(status="replayed", record_id=record_id, replayed_at=now))
    return moved.rowcount == 1


def page(conn, endpoint, *, after=None, limit=50):
    """The failed payloads of ``endpoint`` with ids above ``after``, oldest first: (rows, more?)."""
    query = (select(inbound_failure)
             .where(inbound_failure.c.endpoint == endpoint, inbound_failure.c.status == "failed")
             .order_by(inbound_failure.c.id).limit(limit + 1))
    if after is not None:
        query = query.where(inbound_failure.c.id > after)
    rows = conn.execute(query).mappings().all()
    return rows[:limit], len(rows) > limit


def parse_body(text):
    """A kept payload as JSON values (numbers with a fraction as Decimal, as the API reads them)."""
    return json.loads(text, parse_float=Decimal)


def document(row, locale):
    """The JSON form of failure ``row`` for a reader in ``locale``."""
    errors = row["errors"].get(locale) or row["errors"].get("en") or {}
    return {"id": row["id"], "received_at": to_json(row["received_at"]), "payload": parse_body(row["body"]),
            "errors": errors, "attempts": row["attempts"], "last_attempt_at": to_json(row["last_attempt_at"]),
            "actor_id": row["actor_id"]}
