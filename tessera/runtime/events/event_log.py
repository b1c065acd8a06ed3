"""Reading and pruning the outbox as an admin sees it: events by status, their deliveries,
counts for the health check, and the removal of delivered events past their retention.

An event is ``pending`` until it is handed out and while a delivery of it is pending,
``dead`` while a delivery of it is dead, ``delivered`` once every delivery of it is (an
event no subscriber wants is delivered when it is handed out).
"""

from sqlalchemy import and_, delete, func, or_, select

from ..fields.serialize import to_json
from ..schema.system_tables import outbox
from .delivery_rows import DEAD, DELIVERED, PENDING
from .tables import delivery, delivery_attempt

STATUSES = (PENDING, DEAD, DELIVERED)


def _having(status):
    return select(delivery.c.id).where(delivery.c.event_id == outbox.c.id, delivery.c.status == status).exists()


def _unsettled():
    return select(delivery.c.id).where(delivery.c.event_id == outbox.c.id, delivery.c.status != DELIVERED).exists()


def status_condition(status):
    """The SQL condition on ``tessera_outbox`` selecting the events in ``status``."""
    if status == DEAD:
        return _having(DEAD)
    if status == PENDING:
        return and_(or_(outbox.c.delivered_at.is_(None), _having(PENDING)), ~_having(DEAD))
    return and_(outbox.c.delivered_at.is_not(None), ~_unsettled())


def page(conn, status, after, limit):
    """Up to ``limit`` event rows in ``status`` with ids above ``after``, oldest first, and
    whether more follow."""
    query = select(outbox).where(status_condition(status)).order_by(outbox.c.id).limit(limit + 1)
    if after is not None:
        query = query.where(outbox.c.id > after)
    rows = conn.execute(query).mappings().all()
    return rows[:limit], len(rows) > limit


def load(conn, event_id):
    """The outbox row of event ``event_id``, or None."""
    return conn.execute(select(outbox).where(outbox.c.id == event_id)).mappings().first()


def deliveries_of(conn, event_ids):
    """``{event id: [delivery row]}`` of ``event_ids``, each list in subscriber order."""
    found = {event_id: [] for event_id in event_ids}
    if event_ids:
        query = select(delivery).where(delivery.c.event_id.in_(event_ids)).order_by(delivery.c.subscriber)
        for row in conn.execute(query).mappings():
            found[row["event_id"]].append(row)
    return found


def status_of(row, deliveries):
    """The status of the event ``row`` with its ``deliveries``."""
    statuses = {d["status"] for d in deliveries}
    if DEAD in statuses:
        return DEAD
    return PENDING if row["delivered_at"] is None or PENDING in statuses else DELIVERED


def document(row, deliveries):
    """The JSON form of one event for admins."""
    return {"id": row["id"], "type": row["event_type"], "object": row["object"], "record_id": row["record_id"],
            "occurred_at": to_json(row["created_at"]), "actor": row["actor_id"],
            "status": status_of(row, deliveries),
            "deliveries": [{"subscriber": d["subscriber"], "status": d["status"], "attempts": d["attempts"],
                            "next_attempt_at": to_json(d["due_at"]) if d["status"] == PENDING else None,
                            "last_error": d["last_error"]} for d in deliveries]}


def counts(conn):
    """``{"pending", "dead", "delivered"}``: how many events are in each status (each event
    counted once; index scans, cheap enough for a health check)."""
    def distinct_events(*where):
        return conn.execute(select(func.count(func.distinct(delivery.c.event_id))).where(*where)).scalar_one()

    def outbox_rows(where):
        return conn.execute(select(func.count()).select_from(outbox).where(where)).scalar_one()

    dead = distinct_events(delivery.c.status == DEAD)
    unsettled = distinct_events(delivery.c.status != DELIVERED)
    return {"pending": outbox_rows(outbox.c.delivered_at.is_(None)) + unsettled - dead, "dead": dead,
            "delivered": outbox_rows(outbox.c.delivered_at.is_not(None)) - unsettled}


def prune(conn, before, batch):
    """Delete up to ``batch`` delivered events (with their deliveries and attempt log) whose
    last delivery happened before ``before``; return how many events."""
    recent = select(delivery.c.id).where(delivery.c.event_id == outbox.c.id,
                                         or_(delivery.c.status != DELIVERED, delivery.c.delivered_at >= before))
    ids = conn.execute(select(outbox.c.id).where(outbox.c.delivered_at < before, ~recent.exists())
                       .order_by(outbox.c.id).limit(batch)).scalars().all()
    if ids:
        conn.execute(delete(delivery_attempt).where(delivery_attempt.c.event_id.in_(ids)))
        conn.execute(delete(delivery).where(delivery.c.event_id.in_(ids)))
        conn.execute(delete(outbox).where(outbox.c.id.in_(ids)))
    return len(ids)
