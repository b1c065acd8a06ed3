"""A running job's heartbeat: a thread writing its progress every few seconds.

On SQLite the one writer is the job's own transaction, so there a job writes no
heartbeat and its liveness is its process (``job_state.is_stale``).
"""

import logging
import threading

from . import job_state

log = logging.getLogger(__name__)

#: Seconds between heartbeats (and progress writes) of a running job.
HEARTBEAT_SECONDS = 1.0


def writes_heartbeats(runtime):
    """Whether jobs on ``runtime``'s database write heartbeats (all but SQLite)."""
    return runtime.engine.dialect.name != "sqlite"


def start_heartbeat(runtime, job_id, state, *, every=None):
    """Write ``state()`` — ``(done, total)`` or ``(done, total, result)`` — for job ``job_id``
    every ``every`` seconds until the returned event is set."""
    stop = threading.Event()
    if not writes_heartbeats(runtime):
        return stop

    def beat():
        while not stop.wait(every or HEARTBEAT_SECONDS):
            try:
                done, total, *result = state()
                with runtime.write() as conn:
                    job_state.beat(conn, job_id, done, total, result=result[0] if result else None)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the job goes on
                log.warning("could not write the heartbeat of job %s", job_id, exc_info=True)

    threading.Thread(target=beat, name=f"tessera-job-{job_id}-heartbeat", daemon=True).start()
    return stop
