"""What the dispatcher hands events to: subscribers, each naming the targets of an event.

A subscriber has a ``kind`` (``webhook``, ``listener``, ``automation``; notifications
later) and two methods:

- ``targets(runtime, conn, events)``: for a batch of events, ``{event id: [target name]}``
  (an event absent from the answer has no target of this kind). Called once per event, in
  a write transaction, when the event is handed out.
- ``deliver(runtime, target, event)``: deliver one event to one target, outside any
  transaction; return an Outcome (``ok`` false, or an exception, means "try again later").

The delivery row of each (event, target) is named ``"<kind>:<target>"``.
"""

import time
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Event:
    """One outbox event as subscribers see it."""

    id: int
    type: str
    object: str | None
    record_id: int | None
    occurred_at: datetime
    actor: int | None
    data: object
    idempotency_key: str

    @classmethod
    def from_row(cls, row):
        """The Event of a ``tessera_outbox`` row."""
        return cls(row["id"], row["event_type"], row["object"], row["record_id"], row["created_at"],
                   row["actor_id"], row["payload"], row["idempotency_key"])


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt gave: delivered or not, the answer's status code, how long it
    took, and the start of the answer's body (for channels that read it); ``final`` marks a
    failure no retry can mend (the delivery is dead at once)."""

    ok: bool
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None
    final: bool = False
    answer: str | None = None


class ListenerSubscriber:
    """A plugin's event listener: ``listener(runtime, event)`` receives every event; raising
    means "try again later"."""

    kind = "listener"

    def __init__(self, listeners):
        self.listeners = dict(listeners)

    def targets(self, runtime, conn, events):
        """Every listener is a target of every event."""
        names = sorted(self.listeners)
        return {event.id: names for event in events} if names else {}

    def deliver(self, runtime, target, event):
        """Call listener ``target`` with ``event``."""
        started = time.monotonic()
        self.listeners[target](runtime, event)
        return Outcome(True, duration_ms=int((time.monotonic() - started) * 1000))
