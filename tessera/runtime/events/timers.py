"""Durable timers: rows of ``tessera_timer`` written in the caller's transaction.

A timer is scheduled inside the transaction that decides it is needed, so a transaction
that rolls back schedules nothing; it is cancelled the same way. Firing is the runner's
job (``timer_runner.py``); this module only writes and reads the rows.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, select, update

from ..clock import naive_utc, utc_now
from ..schema.system_tables import timer

SCHEDULED, FIRED, CANCELLED, DEAD = "scheduled", "fired", "cancelled", "dead"


@dataclass(frozen=True)
class Timer:
    """A timer as its handler sees it: what it is for, when it was due and which attempt this is."""

    id: int
    kind: str
    subject_type: str | None
    subject_id: int | None
    subject_key: str | None
    payload: object
    due_at: datetime
    attempt: int

    @classmethod
    def from_row(cls, row):
        """The Timer of a ``tessera_timer`` row; ``attempt`` counts this one (the first is 1)."""
        return cls(row["id"], row["kind"], row["subject_type"], row["subject_id"], row["subject_key"],
                   row["payload"], row["due_at"], row["attempts"] + 1)


def schedule(conn, kind, due_at, *, subject_type=None, subject_id=None, subject_key=None, payload=None,
             now=None):
    """Insert a timer of ``kind`` due at ``due_at`` (aware, or naive UTC) in ``conn``'s transaction;
    return its id. It fires only if that transaction commits."""
    values = {"kind": kind, "due_at": naive_utc(due_at), "subject_type": subject_type, "subject_id": subject_id,
              "subject_key": subject_key, "payload": payload, "status": SCHEDULED, "attempts": 0,
              "created_at": naive_utc(now or utc_now())}
    return conn.execute(insert(timer).values(**values)).inserted_primary_key[0]


def _subject_filter(kind, subject_type, subject_id, subject_key):
    conditions = [timer.c.subject_type == subject_type]
    if kind is not None:
        conditions.append(timer.c.kind == kind)
    if subject_id is not None:
        conditions.append(timer.c.subject_id == subject_id)
    if subject_key is not None:
        conditions.append(timer.c.subject_key == subject_key)
    return and_(*conditions)


def cancel(conn, *, subject_type, subject_id=None, subject_key=None, kind=None):
    """Cancel the scheduled timers of a subject (of ``kind`` only, when given) in ``conn``'s
    transaction; return how many. Fired, dead and cancelled timers stay as they are."""
    where = and_(_subject_filter(kind, subject_type, subject_id, subject_key), timer.c.status == SCHEDULED)
    return conn.execute(update(timer).where(where).values(status=CANCELLED, claim_token=None,
                                                          lease_until=None)).rowcount


def cancel_timer(conn, timer_id):
    """Cancel timer ``timer_id`` if it is still scheduled; return whether it was."""
    moved = conn.execute(update(timer).where(timer.c.id == timer_id, timer.c.status == SCHEDULED)
                         .values(status=CANCELLED, claim_token=None, lease_until=None))
    return moved.rowcount == 1


def find(conn, *, subject_type, subject_id=None, subject_key=None, kind=None, status=None):
    """The timer rows of a subject (optionally of one kind or status), as mappings, oldest first."""
    where = _subject_filter(kind, subject_type, subject_id, subject_key)
    if status is not None:
        where = and_(where, timer.c.status == status)
    return conn.execute(select(timer).where(where).order_by(timer.c.id)).mappings().all()


def load(conn, timer_id):
    """The row of timer ``timer_id`` as a mapping, or None."""
    return conn.execute(select(timer).where(timer.c.id == timer_id)).mappings().first()
