"""The durable state of background jobs: one ``tessera_job`` row per job.

Every process reads the same rows, so a job started by one web worker can be polled
through another. Each change of state is a short transaction of its own, never part of
the work the job does. At most one job of a kind is queued or running at a time (the
row's ``active`` column is unique).
"""

import os
import socket
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from tessera.metadata.store import utcnow

from ..fields.serialize import to_json
from ..schema.system_tables import job

ACTIVE = ("queued", "running")


def this_worker():
    """How a job row names the process running it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def create(conn, kind, *, params=None, actor=None, base_revision=None, exclusive=True):
    """Insert a queued job of ``kind``; return its id, or None when one of that kind is active.

    Jobs created with ``exclusive`` false run side by side with others of their kind.
    """
    values = {"kind": kind, "status": "queued", "active": kind if exclusive else None, "params": params,
              "actor": actor,
              "base_revision": base_revision, "progress_done": 0, "progress_total": 0, "created_at": utcnow()}
    try:
        with conn.begin_nested():
            return conn.execute(insert(job).values(**values)).inserted_primary_key[0]
    except IntegrityError:
        return None


def load(conn, job_id):
    """The row of job ``job_id`` as a mapping, or None."""
    return conn.execute(select(job).where(job.c.id == job_id)).mappings().first()


def active(conn, kind):
    """The row of the queued or running job of ``kind``, or None."""
    return conn.execute(select(job).where(job.c.active == kind)).mappings().first()


def claim(conn, job_id):
    """Mark queued job ``job_id`` running in this process; False when it is no longer queued."""
    now = utcnow()
    moved = conn.execute(update(job).where(job.c.id == job_id, job.c.status == "queued")
                         .values(status="running", started_at=now, heartbeat_at=now, worker=this_worker()))
    return moved.rowcount == 1


def beat(conn, job_id, done, total, *, result=None):
    """Record a sign of life and the progress (and, given, the result so far) of running job ``job_id``."""
    values = {"heartbeat_at": utcnow(), "progress_done": done, "progress_total": total}
    if result is not None:
        values["result"] = result
    conn.execute(update(job).where(job.c.id == job_id, job.c.status == "running").values(**values))


def finish(conn, job_id, *, result=None, error=None, done=None):
    """End job ``job_id``: succeeded with ``result``, or failed with ``error``.

    What the job itself reports wins over an earlier verdict of staleness: a worker
    thought dead that still commits its publish ends the job as succeeded.
    """
    values = {"status": "failed" if error is not None else "succeeded", "active": None,
              "result": result, "error": error, "finished_at": utcnow()}
    if done is not None:
        values.update(progress_done=done, progress_total=done)
    conn.execute(update(job).where(job.c.id == job_id).values(**values))


def _alive_here(worker):
    """Whether ``worker`` (``host:pid``) is a process still running on this host."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def is_stale(row, limit, *, heartbeats=True):
    """Whether active job ``row`` has shown no sign of life for ``limit`` seconds.

    A queued job is stale when no worker took it within ``limit``; a running one when its
    heartbeat is older than ``limit`` and, where running jobs cannot write heartbeats
    (``heartbeats`` false: SQLite, whose one writer is the job itself), when its process
    is gone from this host too.
    """
    if row["status"] not in ACTIVE:
        return False
    since = row["created_at"] if row["status"] == "queued" else row["heartbeat_at"]
    if utcnow() - since <= timedelta(seconds=limit):
        return False
    return row["status"] == "queued" or heartbeats or not _alive_here(row["worker"])


def document(row, live=None):
    """The JSON form of job ``row``; ``live`` (done, total) overrides the stored progress."""
    done, total = live or (row["progress_done"], row["progress_total"])
    return {"id": row["id"], "kind": row["kind"], "status": row["status"],
            "progress": {"done": done, "total": total}, "result": row["result"], "error": row["error"],
            "created_at": to_json(row["created_at"]), "started_at": to_json(row["started_at"]),
            "finished_at": to_json(row["finished_at"])}
