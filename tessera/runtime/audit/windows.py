"""Coalescing repeated audit events: the first of a window is written, the repeats are counted.

An administrator who reads the same private record again and again would otherwise cost
a write transaction per read (on SQLite, the database's write lock). ``AuditWindows``
keeps, per process, one window per key (who, through which credential and address, what,
which action). The first event of a window must be written at once by the caller; the
repeats inside the window are only counted, and ``take_due`` hands back every closed
window that counted repeats so the caller writes one summary row for it.
"""

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from tessera.metadata.store import utcnow

#: Seconds a window stays open after its first event.
WINDOW_SECONDS = 300
#: Open windows kept before all of them are closed early (bounds memory).
MAX_WINDOWS = 10000
#: Seconds between two sweeps for closed windows.
SWEEP_SECONDS = 1.0


@dataclass
class Window:
    """One open window: when it opened, and the repeats counted since (with their times)."""

    opened: float
    actor: object
    repeats: int = 0
    first_repeat: datetime | None = None
    last_repeat: datetime | None = None


class AuditWindows:
    """Per-process windows of repeated events; thread-safe."""

    def __init__(self, window=WINDOW_SECONDS, *, clock=time.monotonic, max_windows=MAX_WINDOWS):
        self.window = window
        self._clock = clock
        self._max = max_windows
        self._open = {}
        self._closed = []
        self._next_sweep = 0.0
        self._lock = threading.Lock()

    def note(self, key, actor):
        """Count one event of ``key`` by ``actor``; True when the caller must write it now."""
        now = self._clock()
        with self._lock:
            found = self._open.get(key)
            if found is not None and now - found.opened < self.window:
                self._repeat(found, actor)
                return False
            if found is not None:
                self._close(key, found)
            if len(self._open) >= self._max:
                self._close_all()
            self._open[key] = Window(opened=now, actor=actor)
            return True

    def take_due(self, *, force=False):
        """Remove and return [(key, Window)] of closed windows that counted repeats.

        Sweeps for expired windows at most once per ``SWEEP_SECONDS`` unless ``force``,
        which closes every window (at shutdown).
        """
        now = self._clock()
        with self._lock:
            if force:
                self._close_all()
            elif now >= self._next_sweep:
                self._next_sweep = now + SWEEP_SECONDS
                for key in [k for k, w in self._open.items() if now - w.opened >= self.window]:
                    self._close(key, self._open[key])
            due, self._closed = self._closed, []
            return due

    def pending(self):
        """The number of repeats counted but not handed back yet."""
        with self._lock:
            return sum(w.repeats for w in self._open.values()) + sum(w.repeats for _, w in self._closed)

    def _repeat(self, found, actor):
        at = utcnow()
        found.repeats += 1
        found.first_repeat = found.first_repeat or at
        found.last_repeat = at
        found.actor = actor

    def _close(self, key, found):
        del self._open[key]
        if found.repeats:
            self._closed.append((key, found))

    def _close_all(self):
        for key in list(self._open):
            self._close(key, self._open[key])
