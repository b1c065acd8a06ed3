"""Claiming and settling due timers: the statements a timer runner issues.

A runner claims due timers in one short transaction (a lease: token, owner, expiry), then
fires each in a transaction of its own, and only while its lease is still the one that
claimed it. On PostgreSQL the claim skips rows another runner has locked (``FOR UPDATE
SKIP LOCKED``) and the firing transaction locks its row; on SQLite every write holds the
database's one write lock, so claims never overlap. A runner that dies leaves a lease that
expires, and another runner claims the timer again: timers fire at least once, and a timer
marked fired is never fired again.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update

from ..schema.system_tables import timer
from .job_state import this_worker
from .timers import DEAD, FIRED, SCHEDULED

#: How much of a failing handler's error a timer keeps.
ERROR_CHARS = 2000


@dataclass(frozen=True)
class TimerPolicy:
    """How timers are retried and leased: ``max_attempts`` tries in all, the n-th retry
    ``retry_seconds * 2**(n-1)`` seconds after the failure (at most ``max_retry_seconds``),
    a claim lasting ``lease_seconds``, at most ``batch`` timers claimed at once."""

    max_attempts: int = 8
    retry_seconds: int = 30
    max_retry_seconds: int = 3600
    lease_seconds: int = 300
    batch: int = 100

    def retry_delay(self, failures):
        """How long after its ``failures``-th failure a timer is tried again."""
        return timedelta(seconds=min(self.retry_seconds * 2 ** (failures - 1), self.max_retry_seconds))


def _claimable(now):
    return (timer.c.status == SCHEDULED, timer.c.due_at <= now,
            or_(timer.c.lease_until.is_(None), timer.c.lease_until <= now))


def any_due(conn, now):
    """Whether some timer is due and unclaimed at ``now`` (a read: pollers take no write lock
    when there is nothing to do)."""
    return conn.execute(select(timer.c.id).where(*_claimable(now)).limit(1)).first() is not None


def claim(conn, now, policy, *, timer_id=None, limit=None):
    """Lease the due, unclaimed timers (only ``timer_id``, when given), soonest first; return
    (the lease token, their ids)."""
    query = select(timer.c.id).where(*_claimable(now)).order_by(timer.c.due_at, timer.c.id)
    query = query.limit(min(limit or policy.batch, policy.batch))
    if timer_id is not None:
        query = query.where(timer.c.id == timer_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = conn.execute(query).scalars().all()
    token = uuid.uuid4().hex
    if ids:
        conn.execute(update(timer).where(timer.c.id.in_(ids)).values(
            claim_token=token, claimed_by=this_worker(), lease_until=now + timedelta(seconds=policy.lease_seconds)))
    return token, ids


def held(conn, timer_id, token):
    """The row of timer ``timer_id`` while ``token`` still holds it scheduled (locked on
    PostgreSQL until the transaction ends), else None."""
    query = select(timer).where(timer.c.id == timer_id, timer.c.claim_token == token, timer.c.status == SCHEDULED)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def _release():
    return {"claim_token": None, "claimed_by": None, "lease_until": None}


def mark_fired(conn, timer_id, token, now):
    """Record that timer ``timer_id`` fired at ``now``; False when ``token`` no longer holds it."""
    moved = conn.execute(update(timer).where(timer.c.id == timer_id, timer.c.claim_token == token)
                         .values(status=FIRED, fired_at=now, attempts=timer.c.attempts + 1, **_release()))
    return moved.rowcount == 1


def mark_failed(conn, row, token, now, policy, error):
    """Record a failed attempt of timer ``row``: due again after the backoff, or dead after the
    last attempt. Return the new due time, or None when the timer is dead (or no longer held)."""
    failures = row["attempts"] + 1
    dead = failures >= policy.max_attempts
    due_at = row["due_at"] if dead else now + policy.retry_delay(failures)
    moved = conn.execute(update(timer).where(timer.c.id == row["id"], timer.c.claim_token == token,
                                             timer.c.status == SCHEDULED)
                         .values(status=DEAD if dead else SCHEDULED, attempts=failures, due_at=due_at,
                                 last_error=_describe(error), **_release()))
    return None if dead or moved.rowcount != 1 else due_at


def _describe(error):
    return f"{type(error).__name__}: {error}"[:ERROR_CHARS]
