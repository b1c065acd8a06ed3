"""Handing out, claiming and settling deliveries: the statements a dispatcher issues.

Handing out (``hand_out``) turns the oldest events not yet handed out into one delivery
row per target, in id order; on PostgreSQL one dispatcher at a time does it (a
transaction-scoped advisory lock, tried, never waited for), on SQLite the database's one
write lock serialises it. Claiming leases pending, due deliveries whose earlier
deliveries to the same subscriber about the same record are all delivered, so a record's
events reach each subscriber in order; on PostgreSQL the claim skips rows another
dispatcher has locked (``FOR UPDATE SKIP LOCKED``). The delivery itself happens outside
any transaction; its outcome is written only while the lease that claimed it still holds.
"""

import uuid
from datetime import timedelta

from sqlalchemy import func, insert, or_, select, update

from ..schema.system_tables import outbox
from .job_state import this_worker
from .subscribers import Event
from .tables import delivery, delivery_attempt

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"
#: PostgreSQL advisory lock key held while events are handed out ("TSEV" in ASCII), with the schema's hash.
HAND_OUT_LOCK_KEY = 0x54534556
#: How much of a failure's description a delivery keeps.
ERROR_CHARS = 2000


def _may_hand_out(conn):
    if conn.dialect.name != "postgresql":
        return True
    # keyed by the schema too: Tessera databases in several schemas of one server never wait on each other
    key = func.pg_try_advisory_xact_lock(HAND_OUT_LOCK_KEY, func.hashtext(func.current_schema()))
    return bool(conn.execute(select(key)).scalar())


def hand_out(runtime, conn, subscribers, now, batch):
    """Create the delivery rows of the oldest ``batch`` events not yet handed out (one per
    target each subscriber names) and mark those events handed out; return how many events."""
    if not _may_hand_out(conn):
        return 0
    rows = conn.execute(select(outbox).where(outbox.c.delivered_at.is_(None)).order_by(outbox.c.id)
                        .limit(batch)).mappings().all()
    if not rows:
        return 0
    events = [Event.from_row(row) for row in rows]
    deliveries = []
    for subscriber in subscribers:
        named = subscriber.targets(runtime, conn, events)
        deliveries += [_delivery_row(event, f"{subscriber.kind}:{target}", now)
                       for event in events for target in named.get(event.id, ())]
    if deliveries:
        conn.execute(insert(delivery), deliveries)
    conn.execute(update(outbox).where(outbox.c.id.in_([e.id for e in events])).values(delivered_at=now))
    return len(rows)


def _delivery_row(event, subscriber, now):
    return {"event_id": event.id, "subscriber": subscriber, "object": event.object, "record_id": event.record_id,
            "status": PENDING, "attempts": 0, "due_at": now, "created_at": now}


def _claimable(now):
    earlier = delivery.alias("earlier")
    held_back = (select(earlier.c.id)
                 .where(earlier.c.subscriber == delivery.c.subscriber, earlier.c.object == delivery.c.object,
                        earlier.c.record_id == delivery.c.record_id, earlier.c.event_id < delivery.c.event_id,
                        earlier.c.status != DELIVERED).exists())
    return (delivery.c.status == PENDING, delivery.c.due_at <= now,
            or_(delivery.c.lease_until.is_(None), delivery.c.lease_until <= now), ~held_back)


def claim(conn, now, policy):
    """Lease up to ``policy.batch`` claimable deliveries, oldest event first; return (the lease
    token, [(delivery row, Event)])."""
    query = select(delivery).where(*_claimable(now)).order_by(delivery.c.event_id, delivery.c.id).limit(policy.batch)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=delivery)
    rows = conn.execute(query).mappings().all()
    token = uuid.uuid4().hex
    if not rows:
        return token, []
    conn.execute(update(delivery).where(delivery.c.id.in_([r["id"] for r in rows])).values(
        claim_token=token, claimed_by=this_worker(), lease_until=now + timedelta(seconds=policy.lease_seconds)))
    events = conn.execute(select(outbox).where(outbox.c.id.in_({r["event_id"] for r in rows}))).mappings().all()
    by_id = {row["id"]: Event.from_row(row) for row in events}
    return token, [(row, by_id[row["event_id"]]) for row in rows]


def _release():
    return {"claim_token": None, "claimed_by": None, "lease_until": None}


def _attempt_row(row, now, outcome):
    return {"delivery_id": row["id"], "event_id": row["event_id"], "subscriber": row["subscriber"],
            "attempt": row["attempts"] + 1, "at": now, "ok": 1 if outcome.ok else 0,
            "status_code": outcome.status_code, "duration_ms": outcome.duration_ms,
            "error": (outcome.error or None) and outcome.error[:ERROR_CHARS]}


def settle_all(conn, outcomes, token, now, policy):
    """Log each attempt of ``outcomes`` ([(delivery row, Outcome)]) and record its outcome while
    ``token`` still holds it (as ``settle`` does); return the new statuses in order."""
    if not outcomes:
        return []
    conn.execute(insert(delivery_attempt), [_attempt_row(row, now, outcome) for row, outcome in outcomes])
    delivered = [row for row, outcome in outcomes if outcome.ok]
    if delivered and _mark_delivered(conn, delivered, token, now):
        done = {row["id"] for row in delivered}
        return [DELIVERED if row["id"] in done else _record(conn, row, token, now, policy, outcome)
                for row, outcome in outcomes]
    return [_record(conn, row, token, now, policy, outcome) for row, outcome in outcomes]


def _mark_delivered(conn, rows, token, now):
    """Mark every one of ``rows`` delivered in one statement; False (nothing changed) unless
    ``token`` still holds them all."""
    with conn.begin_nested() as savepoint:
        moved = conn.execute(update(delivery).where(delivery.c.id.in_([r["id"] for r in rows]),
                                                    delivery.c.claim_token == token, delivery.c.status == PENDING)
                             .values(status=DELIVERED, delivered_at=now, last_error=None,
                                     attempts=delivery.c.attempts + 1, **_release()))
        if moved.rowcount == len(rows):
            return True
        savepoint.rollback()
    return False


def settle(conn, row, token, now, policy, outcome):
    """Log the attempt of delivery ``row`` and record its outcome while ``token`` still holds
    it: delivered, due again after the backoff, or dead after the last attempt. Return the
    new status, or None when the lease was lost."""
    conn.execute(insert(delivery_attempt).values(**_attempt_row(row, now, outcome)))
    return _record(conn, row, token, now, policy, outcome)


def _record(conn, row, token, now, policy, outcome):
    attempt = row["attempts"] + 1
    if outcome.ok:
        values = {"status": DELIVERED, "delivered_at": now, "last_error": None}
    elif attempt >= policy.max_attempts or outcome.final:
        values = {"status": DEAD, "last_error": (outcome.error or "")[:ERROR_CHARS]}
    else:
        values = {"status": PENDING, "due_at": now + policy.retry_delay(attempt),
                  "last_error": (outcome.error or "")[:ERROR_CHARS]}
    moved = conn.execute(update(delivery).where(delivery.c.id == row["id"], delivery.c.claim_token == token,
                                                delivery.c.status == PENDING)
                         .values(attempts=attempt, **values, **_release()))
    return values["status"] if moved.rowcount == 1 else None


def revive(conn, event_id, now):
    """Make the dead deliveries of event ``event_id`` pending and due now, with fresh attempts;
    return how many."""
    return conn.execute(update(delivery).where(delivery.c.event_id == event_id, delivery.c.status == DEAD)
                        .values(status=PENDING, attempts=0, due_at=now, **_release())).rowcount
