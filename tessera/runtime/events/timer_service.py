"""TimerService: the Runtime's durable timers, with a handler registered per kind.

Rooms register a handler for each kind they schedule (``runtime.timers.register``);
plugins offer theirs through the ``tessera_register_timer_kinds`` hook. A handler is
called as ``handler(runtime, conn, timer)`` inside a write transaction of a request scope,
so what it writes through the runtime's services joins that transaction and commits
together with the mark that the timer fired; when it raises, nothing it wrote is kept and
the timer is tried again later. The facility fires a timer at least once, not exactly
once: a handler re-checks the state it acts on (a timer that fires after its step was
decided does nothing).
"""

import logging

from ..clock import naive_utc
from ..db import after_commit
from . import timer_runner, timers
from .timer_runner import TimerPolicy

log = logging.getLogger(__name__)


class UnknownTimerKind(LookupError):
    """No handler is registered for a timer's kind in this process."""


class TimerService:
    """Schedules, cancels and fires the durable timers of one Runtime."""

    def __init__(self, runtime, *, handlers=None, policy=None):
        self.runtime = runtime
        self.policy = policy or TimerPolicy()
        #: Called as ``announce(timer_id, due_at)`` after the commit of a schedule (rq enqueues).
        self.announce = None
        self._handlers, self._policies = {}, {}
        for kind, handler in (handlers or {}).items():
            self.register(kind, handler)

    def register(self, kind, handler, *, policy=None):
        """Let ``handler(runtime, conn, timer)`` fire the timers of ``kind``; a kind has one handler.
        ``policy`` (a TimerPolicy) retries this kind's failures its own way instead of the runtime's."""
        if kind in self._handlers and self._handlers[kind] is not handler:
            raise ValueError(f"timer kind {kind!r} already has a handler")
        self._handlers[kind] = handler
        if policy is not None:
            self._policies[kind] = policy

    def kinds(self):
        """The kinds this process can fire, sorted."""
        return sorted(self._handlers)

    def schedule(self, conn, kind, due_at, *, subject_type=None, subject_id=None, subject_key=None, payload=None):
        """Schedule a timer of ``kind`` at ``due_at`` in ``conn``'s write transaction; return its id.
        Nothing is scheduled if that transaction rolls back."""
        timer_id = timers.schedule(conn, kind, due_at, subject_type=subject_type, subject_id=subject_id,
                                   subject_key=subject_key, payload=payload, now=self.runtime.clock())
        self._announce_after_commit(conn, timer_id, due_at)
        return timer_id

    def cancel(self, conn, *, subject_type, subject_id=None, subject_key=None, kind=None):
        """Cancel a subject's scheduled timers (of ``kind`` only, when given) in ``conn``'s transaction;
        return how many."""
        return timers.cancel(conn, subject_type=subject_type, subject_id=subject_id, subject_key=subject_key,
                             kind=kind)

    def run_due(self, *, limit=None):
        """Fire every timer due by the runtime's clock (at most ``limit``); return how many fired."""
        fired = 0
        while (limit is None or fired < limit) and self._any_due():
            token, ids = self._claim(limit=None if limit is None else limit - fired)
            fired += sum(self._fire(timer_id, token) for timer_id in ids)
            if len(ids) < self.policy.batch:
                return fired
        return fired

    def fire(self, timer_id):
        """Fire timer ``timer_id`` if it is due and no other runner holds it; return whether it fired."""
        token, ids = self._claim(timer_id=timer_id)
        return bool(ids) and self._fire(timer_id, token)

    def _now(self):
        return naive_utc(self.runtime.clock())

    def _any_due(self):
        with self.runtime.read() as conn:
            return timer_runner.any_due(conn, self._now())

    def _claim(self, **which):
        with self.runtime.write() as conn:
            return timer_runner.claim(conn, self._now(), self.policy, **which)

    def _fire(self, timer_id, token):
        row = None
        try:
            with self.runtime.request_scope(), self.runtime.write() as conn:
                row = timer_runner.held(conn, timer_id, token)
                if row is None:
                    return False
                self._handler(row["kind"])(self.runtime, conn, timers.Timer.from_row(row))
                return timer_runner.mark_fired(conn, timer_id, token, self._now())
        except Exception as error:  # noqa: BLE001 - any handler failure is retried, never lost
            if row is None:
                raise
            log.exception("timer %s (%s) failed on attempt %s", timer_id, row["kind"], row["attempts"] + 1)
            self._record_failure(row, token, error)
            return False

    def _handler(self, kind):
        handler = self._handlers.get(kind)
        if handler is None:
            raise UnknownTimerKind(f"no handler is registered for timer kind {kind!r}")
        return handler

    def _record_failure(self, row, token, error):
        with self.runtime.write() as conn:
            policy = self._policies.get(row["kind"], self.policy)
            due_at = timer_runner.mark_failed(conn, row, token, self._now(), policy, error)
            if due_at is not None:
                self._announce_after_commit(conn, row["id"], due_at)
            else:
                log.error("timer %s (%s) is dead after %s attempts", row["id"], row["kind"], row["attempts"] + 1)

    def _announce_after_commit(self, conn, timer_id, due_at):
        announce = self.announce
        if announce is not None:
            after_commit(conn, lambda: announce(timer_id, due_at))
