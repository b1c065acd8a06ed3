"""EventService: the Runtime's dispatcher, handing outbox events to their subscribers.

Every event reaches every target its subscribers name at least once; a record's events
reach one subscriber in the order they happened (a later one waits while an earlier one
is pending or dead); a failing delivery is retried with exponential backoff and ends
``dead`` after the last attempt, until an admin retries it. Several dispatchers may run at
once, in one process or many: a delivery is leased to one of them at a time.
"""

import logging
import time
from datetime import timedelta

from ..access.admin import require_admin
from ..clock import naive_utc
from ..db import after_commit
from ..errors import RuntimeFailure
from . import delivery_rows, event_log
from .subscribers import ListenerSubscriber, Outcome
from .timer_runner import TimerPolicy

log = logging.getLogger(__name__)

#: Most events one page of the admin list holds.
MAX_PAGE = 200


class EventNotFound(RuntimeFailure):
    """No event has that id."""

    code = "event_not_found"
    status = 404


class EventNotDead(RuntimeFailure):
    """An admin asked to retry an event none of whose deliveries is dead."""

    code = "event_not_dead"
    status = 409


def default_policy():
    """Deliveries are tried 10 times, 30 s after the first failure, doubling up to an hour."""
    return TimerPolicy(max_attempts=10, retry_seconds=30, max_retry_seconds=3600, lease_seconds=300, batch=100)


class EventService:
    """Dispatches the events of one Runtime and lets admins see and retry what failed."""

    def __init__(self, runtime, *, policy=None, retention_days=7, listeners=None):
        self.runtime = runtime
        self.policy = policy or default_policy()
        self.retention = timedelta(days=retention_days)
        #: Called with no argument after the commit of an admin retry (rq enqueues a dispatch).
        self.announce = None
        self._subscribers = {}
        if listeners:
            self.subscribe(ListenerSubscriber(listeners))

    def subscribe(self, subscriber):
        """Hand every event to ``subscriber`` from now on; a kind has one subscriber."""
        if subscriber.kind in self._subscribers:
            raise ValueError(f"event subscriber kind {subscriber.kind!r} is already registered")
        self._subscribers[subscriber.kind] = subscriber

    def _now(self):
        return naive_utc(self.runtime.clock())

    def dispatch(self, *, limit=None):
        """Hand out new events and attempt the due deliveries until none is left (or ``limit``
        attempts were made); return how many deliveries succeeded."""
        delivered = attempted = 0
        while limit is None or attempted < limit:
            with self.runtime.write() as conn:
                handed = delivery_rows.hand_out(self.runtime, conn, list(self._subscribers.values()), self._now(),
                                                self.policy.batch)
            with self.runtime.write() as conn:
                token, claimed = delivery_rows.claim(conn, self._now(), self.policy)
            if not handed and not claimed:
                break
            statuses = self._deliver_all(token, claimed)
            attempted += len(claimed)
            delivered += statuses.count(delivery_rows.DELIVERED)
        return delivered

    def _deliver_all(self, token, claimed):
        statuses, outcomes = [], []
        deadline = time.monotonic() + self.policy.lease_seconds / 2
        for row, event in claimed:
            outcomes.append((row, self._attempt(row, event)))
            if time.monotonic() > deadline:
                statuses += self._settle(token, outcomes)
                outcomes, deadline = [], time.monotonic() + self.policy.lease_seconds / 2
        return statuses + self._settle(token, outcomes)

    def _attempt(self, row, event):
        kind, _, target = row["subscriber"].partition(":")
        subscriber = self._subscribers.get(kind)
        started = time.monotonic()
        try:
            if subscriber is None:
                raise LookupError(f"no subscriber of kind {kind!r} in this process")
            return subscriber.deliver(self.runtime, target, event)
        except Exception as error:  # noqa: BLE001 - any failure is retried, never lost
            log.warning("delivery of event %s to %s failed: %s", event.id, row["subscriber"], error)
            return Outcome(False, duration_ms=int((time.monotonic() - started) * 1000),
                           error=f"{type(error).__name__}: {error}")

    def _settle(self, token, outcomes):
        if not outcomes:
            return []
        with self.runtime.write() as conn:
            now = self._now()
            statuses = delivery_rows.settle_all(conn, outcomes, token, now, self.policy)
        for (row, _), status in zip(outcomes, statuses):
            if status == delivery_rows.DEAD:
                log.error("delivery of event %s to %s is dead after %s attempts", row["event_id"], row["subscriber"],
                          row["attempts"] + 1)
        return statuses

    def list(self, ctx, *, status, after=None, limit=50):
        """Events in ``status`` (pending, dead, delivered) with ids above ``after``, oldest first:
        (documents, the id to continue after or None)."""
        require_admin(ctx)
        limit = max(1, min(limit, MAX_PAGE))
        with self.runtime.read() as conn:
            rows, more = event_log.page(conn, status, after, limit)
            deliveries = event_log.deliveries_of(conn, [row["id"] for row in rows])
        documents = [event_log.document(row, deliveries[row["id"]]) for row in rows]
        return documents, (rows[-1]["id"] if more else None)

    def retry(self, ctx, event_id):
        """Make the dead deliveries of event ``event_id`` due now with fresh attempts; return the
        event. Raise EventNotFound, or EventNotDead when none of its deliveries is dead."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            row = event_log.load(conn, event_id)
            if row is None:
                raise EventNotFound("event.not_found", id=event_id)
            if not delivery_rows.revive(conn, event_id, self._now()):
                raise EventNotDead("event.not_dead", id=event_id)
            document = event_log.document(row, event_log.deliveries_of(conn, [event_id])[event_id])
            if self.announce is not None:
                after_commit(conn, self.announce)
        return document

    def counts(self):
        """How many events are pending, dead and delivered (not yet pruned)."""
        with self.runtime.read() as conn:
            return event_log.counts(conn)

    def prune(self, *, batch=10000):
        """Delete the events delivered longer than the retention ago; return how many."""
        with self.runtime.write() as conn:
            return event_log.prune(conn, self._now() - self.retention, batch)
