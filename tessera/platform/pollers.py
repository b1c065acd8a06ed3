"""Background polls: one piece of work run every few seconds until told to stop.

The timer ticker and the event dispatcher of ``tessera worker``, ``tessera serve`` and
``tessera demo`` are both such polls; a poll outlives database outages by logging the
failure and trying again at its next turn.
"""

import logging
import threading

log = logging.getLogger(__name__)


def guarded(work, runtime, failure):
    """``work(runtime)``'s answer, or 0 after logging ``failure`` when it raised."""
    try:
        return work(runtime)
    except Exception:  # noqa: BLE001 - a poller outlives database outages
        log.exception(failure)
        return 0


def poll(tick, runtime, seconds, stop):
    """Run ``tick(runtime)`` every ``seconds`` until ``stop`` (a threading.Event) is set."""
    while not stop.is_set():
        tick(runtime)
        stop.wait(seconds)


def start(tick, runtime, seconds, name):
    """Run ``poll`` in a daemon thread called ``name``; return the Event that stops it."""
    stop = threading.Event()
    threading.Thread(target=poll, args=(tick, runtime, seconds, stop), name=name, daemon=True).start()
    return stop
