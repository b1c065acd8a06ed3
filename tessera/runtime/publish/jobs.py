"""Publishing as a background job, for publishes whose plan touches many rows.

The job applies the plan exactly as a synchronous publish does, in one transaction; its
state (queued, running, progress, result or problem) lives in ``tessera_job`` and is
written in short transactions of its own. One publish job may be queued or running at a
time; a synchronous publish is refused while one is.
"""

import logging

from tessera.i18n import Message
from tessera.metadata import store
from tessera.metadata.errors import ConcurrentPublish, MetadataError

from ..access.admin import require_admin
from ..context import Context
from ..errors import JobInProgress, JobNotFound, RuntimeFailure
from ..events import job_state
from ..events.heartbeat import start_heartbeat, writes_heartbeats
from ..events.job_problems import failure_json, plain_json
from . import service as publishing

log = logging.getLogger(__name__)

KIND = "publish"
#: Seconds between heartbeats (and progress writes) of a running job.
HEARTBEAT_SECONDS = 1.0


#: Errors that carry their own status, code and messages.
TYPED = (MetadataError, RuntimeFailure)


def _failure_of(error):
    """The stored problem of ``error``: its own for a typed error, else an unexpected failure."""
    if isinstance(error, TYPED):
        return failure_json(error.status, error.code, error.message, error.errors)
    return failure_json(500, "internal_error", Message("job.failed_unexpectedly"))


def _actor(ctx):
    return {"user_id": ctx.user_id, "username": ctx.username, "token_id": ctx.token_id,
            "session_id": ctx.session_id, "ip": ctx.ip, "locale": ctx.locale}


class PublishJobs:
    """Starts, runs and reports publish jobs over one runtime's database."""

    def __init__(self, runtime):
        self.runtime = runtime
        self._live = {}  # job id -> (done, total) of the jobs this process runs

    def publish(self, ctx, *, confirm_data_loss=False, job_rows=None, launch=None, stale_after=120):
        """Publish now and return ``("published", result)`` when the plan touches fewer than
        ``job_rows`` rows (always, when ``job_rows`` is None); otherwise queue a job, hand its
        id to ``launch`` and return ``("queued", job document)``.

        Raises JobInProgress while another publish job is queued or running (one whose
        worker showed no sign of life for ``stale_after`` seconds is failed first), and
        what a publish raises when it is refused.
        """
        require_admin(ctx)
        self._refuse_if_active(stale_after)
        if job_rows is not None:
            with self.runtime.read() as conn:
                rows, lossy = publishing.workload(conn, self.runtime.model(conn))
            if rows >= job_rows and (confirm_data_loss or not lossy):
                job_id = self._create(ctx, confirm_data_loss)
                queued = self.get(ctx, job_id, stale_after=stale_after)  # as it was queued, before it may start
                self._launch(launch, job_id)
                return "queued", queued
        return "published", self.runtime.metadata.publish(ctx, confirm_data_loss=confirm_data_loss)

    def get(self, ctx, job_id, *, stale_after=120):
        """The document of job ``job_id`` (a stale one is failed first); raises JobNotFound."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            row = job_state.load(conn, job_id)
        if row is None:
            raise JobNotFound("job.not_found", id=job_id)
        if self._stale(row, stale_after):
            row = self._expire(job_id, stale_after) or row
        return job_state.document(row, self._live.get(job_id) if row["status"] == "running" else None)

    def run(self, job_id):
        """Run queued job ``job_id`` in this process and record how it ended: every failure of
        the publish becomes the job's problem (only a database gone for the final write raises)."""
        with self.runtime.write() as conn:
            row = job_state.load(conn, job_id) if job_state.claim(conn, job_id) else None
        if row is None:
            return  # taken by another worker, or failed as stale before it started
        heart = self._heartbeat(job_id)
        try:
            outcome = {"result": plain_json(self._publish(row))}
            outcome["done"] = self._live.get(job_id, (0, 0))[1]
        except Exception as error:  # noqa: BLE001 - a job must end as failed, whatever went wrong
            if not isinstance(error, TYPED):
                log.exception("publish job %s failed", job_id)
            outcome = {"error": _failure_of(error)}
        finally:
            heart.set()
        with self.runtime.write() as conn:
            job_state.finish(conn, job_id, **outcome)
        self._live.pop(job_id, None)

    def _launch(self, launch, job_id):
        """Hand job ``job_id`` to ``launch``; when that fails, fail the job with the same problem
        (so it does not hold the way until it is stale) and raise."""
        try:
            launch(job_id)
        except Exception as error:
            with self.runtime.write() as conn:
                job_state.finish(conn, job_id, error=_failure_of(error))
            raise

    def _publish(self, row):
        actor, job_id = row["actor"], row["id"]
        ctx = Context(user_id=actor["user_id"], username=actor["username"], is_admin=True,
                      token_id=actor["token_id"], session_id=actor["session_id"], ip=actor["ip"],
                      locale=actor["locale"])
        with self.runtime.write() as conn:
            if store.current_revision(conn) != row["base_revision"]:
                raise ConcurrentPublish("metadata.publish.concurrent")
            self.runtime.webhooks.check_pending(conn)
            self.runtime.automation.check_pending(conn)
            return publishing.publish(conn, self.runtime.model(conn), ctx,
                                      confirm_data_loss=row["params"]["confirm_data_loss"],
                                      progress=lambda done, total: self._live.__setitem__(job_id, (done, total)))

    def _heartbeat(self, job_id):
        """Start writing heartbeats and progress; set the returned event to stop."""
        return start_heartbeat(self.runtime, job_id, lambda: self._live.get(job_id, (0, 0)), every=HEARTBEAT_SECONDS)

    def _heartbeats(self):
        return writes_heartbeats(self.runtime)

    def _stale(self, row, stale_after):
        return job_state.is_stale(row, stale_after, heartbeats=self._heartbeats())

    def _expire(self, job_id, stale_after):
        """Fail job ``job_id`` if it is (still) stale; return its row as it is now."""
        with self.runtime.write() as conn:
            row = job_state.load(conn, job_id)
            if self._stale(row, stale_after):
                job_state.finish(conn, job_id, error=failure_json(
                    500, "job_stale", Message("job.stale", seconds=stale_after)))
                row = job_state.load(conn, job_id)
        return row

    def _refuse_if_active(self, stale_after):
        with self.runtime.read() as conn:
            row = job_state.active(conn, KIND)
        if row is not None and self._stale(row, stale_after):
            row = self._expire(row["id"], stale_after)
        if row is not None and row["status"] in job_state.ACTIVE:
            raise JobInProgress("job.in_progress", id=row["id"])

    def _create(self, ctx, confirm_data_loss):
        with self.runtime.write() as conn:
            job_id = job_state.create(conn, KIND, params={"confirm_data_loss": confirm_data_loss},
                                      actor=_actor(ctx), base_revision=store.current_revision(conn))
            active = None if job_id is not None else job_state.active(conn, KIND)
        if job_id is None:
            raise JobInProgress("job.in_progress", id=active["id"] if active else "?")
        return job_id
