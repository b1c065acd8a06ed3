"""``ImportService``: CSV and Excel files into any object, as background jobs with progress.

An import is a ``tessera_job`` row of kind ``import`` (many may run at once). Starting one
checks everything that can be checked before a row is written (the object, the rights,
the format, the header and the mapping) and refuses with ImportInvalid, writing nothing.
The job then runs ``runner.ImportRun`` as the user who started it, with that user's rights
and token scope; its progress (rows done of total, created, updated, failed, the failed
rows so far) is what ``get`` answers while it runs and after it ended.
"""

import logging
import os
import tempfile
from dataclasses import replace

from tessera.i18n import Message

from ..context import TokenScope
from ..errors import ImportInvalid, ImportNotFound, RuntimeFailure
from ..events import job_state
from ..events.heartbeat import start_heartbeat, writes_heartbeats
from ..events.job_problems import failure_json, plain_json
from ..identity.account_service import resolve_user
from ..identity.principal import context_for_user
from . import sources, tables
from .mapping import build_mapping
from .runner import MODES, ImportRun, Progress

log = logging.getLogger(__name__)

KIND = "import"


class ImportService:
    """Starts, runs and reports imports over one runtime's database."""

    def __init__(self, runtime, *, batch_rows=500, max_errors=1000):
        self.runtime = runtime
        self.batch_rows = batch_rows
        self.max_errors = max_errors
        self._live = {}  # job id -> Progress of the imports this process runs

    # -- starting ----------------------------------------------------------------

    def acting_as(self, user):
        """The Context of user ``user`` (a username or an id), whose rights an import from the
        command line runs with; raises DirectoryEntryNotFound or AuthenticationFailed."""
        with self.runtime.read() as conn:
            row = resolve_user(conn, user)
            return context_for_user(conn, self.runtime.model(conn), row["id"])

    def prepare(self, ctx, object_name, path, *, fmt=None, mapping=None, external_id=None,
                mode="all_or_nothing", dry_run=False, filename=None):
        """Check an import of the file at ``path`` and return its job parameters.

        Raises ImportInvalid (bad format, header, mapping or mode), ObjectNotFound and the
        access errors of creating (and, with ``external_id``, editing) records of the object.
        """
        if mode not in MODES:
            raise ImportInvalid("import.mode", errors={"mode": ["import.mode_choices"]})
        fmt = sources.file_format(filename or path, fmt)
        with self.runtime.read() as conn:
            _, obj = self.runtime.object_for(conn, object_name)
        grant = self.runtime.access.object_access(ctx, obj, "create")
        if external_id is not None:
            self.runtime.access.object_access(ctx, obj, "edit")
        headers, _ = sources.read_rows(path, fmt)
        resolved = build_mapping(obj, headers, mapping, external_id)
        grant.check_writes(resolved.columns)
        return {"object": object_name, "format": fmt, "mapping": resolved.columns, "external_id": external_id,
                "mode": mode, "dry_run": bool(dry_run), "filename": filename or os.path.basename(str(path)),
                "total": sources.count_rows(path, fmt)}

    def start(self, ctx, path, params, *, launch):
        """Queue the import ``params`` (from ``prepare``) of the file at ``path``; hand the job's
        id to ``launch``; return the job's document."""
        with self.runtime.write() as conn:
            job_id = job_state.create(conn, KIND, params=params, actor=actor_json(ctx), exclusive=False)
            with open(path, "rb") as handle:
                tables.store_file(conn, job_id, handle)
        try:
            launch(job_id)
        except Exception as error:
            self._finish(job_id, error=_failure_of(error), drop=True)
            raise
        return self.get(ctx, job_id)

    # -- running -----------------------------------------------------------------

    def run(self, job_id):
        """Run queued import ``job_id`` in this process from its stored file (an rq task or a thread)."""
        with self.runtime.write() as conn:
            row = job_state.load(conn, job_id) if job_state.claim(conn, job_id) else None
        if row is None:
            return
        fd, path = tempfile.mkstemp(prefix=f"tessera-import-{job_id}-")
        try:
            with os.fdopen(fd, "wb") as handle, self.runtime.read() as conn:
                tables.restore_file(conn, job_id, handle)
            self._run_row(row, path)
        finally:
            os.unlink(path)

    def run_local(self, ctx, path, params, *, on_progress=None):
        """Run the import ``params`` of the local file ``path`` now, in this process (the CLI);
        its job row lets the API follow it too. ``on_progress(progress)`` after each batch."""
        with self.runtime.write() as conn:
            job_id = job_state.create(conn, KIND, params=params, actor=actor_json(ctx), exclusive=False)
            job_state.claim(conn, job_id)
            row = job_state.load(conn, job_id)
        self._run_row(row, path, ctx=ctx, on_progress=on_progress)
        return self.get(ctx, job_id)

    def _run_row(self, row, path, *, ctx=None, on_progress=None):
        job_id, params = row["id"], row["params"]
        progress = self._live[job_id] = Progress(total=params["total"], max_errors=self.max_errors)
        heart = start_heartbeat(self.runtime, job_id, lambda: (progress.done, progress.total, _result(progress)))
        try:
            ctx = ctx or self._actor_context(row["actor"])
            run = self._import_run(ctx, params, progress, job_id, on_progress)
            _, rows = sources.read_rows(path, params["format"])
            run.run(rows, mode=params["mode"], dry_run=params["dry_run"])
            outcome = {"result": _result(progress, kept=not params["dry_run"] and not (
                params["mode"] == "all_or_nothing" and progress.failed)), "done": progress.done}
        except Exception as error:  # noqa: BLE001 - a job must end as failed, whatever went wrong
            if not isinstance(error, RuntimeFailure):
                log.exception("import job %s failed", job_id)
            outcome = {"error": _failure_of(error), "result": _result(progress)}
        finally:
            heart.set()
        self._finish(job_id, drop=True, **outcome)
        self._live.pop(job_id, None)

    def _import_run(self, ctx, params, progress, job_id, on_progress):
        with self.runtime.read() as conn:
            _, obj = self.runtime.object_for(conn, params["object"])
        mapping = build_mapping(obj, list(params["mapping"].values()), params["mapping"], params["external_id"])

        def after_batch(conn, progress):
            if params["mode"] == "valid_rows" and not params["dry_run"] and not writes_heartbeats(self.runtime):
                job_state.beat(conn, job_id, progress.done, progress.total, result=_result(progress))
            if on_progress is not None:
                on_progress(progress)
        return ImportRun(self.runtime, ctx, params["object"], mapping, progress, batch_rows=self.batch_rows,
                         on_batch=after_batch)

    def _actor_context(self, actor):
        with self.runtime.read() as conn:
            ctx = context_for_user(conn, self.runtime.model(conn), actor["user_id"])
        scope = actor.get("scope")
        return replace(ctx, scope=TokenScope(scope["read_only"], frozenset(scope["objects"]) if scope["objects"]
                                             is not None else None)) if scope else ctx

    def _finish(self, job_id, *, drop=False, **outcome):
        with self.runtime.write() as conn:
            job_state.finish(conn, job_id, **outcome)
            if drop:
                tables.drop_file(conn, job_id)

    # -- reading -----------------------------------------------------------------

    def get(self, ctx, job_id, *, stale_after=120):
        """The document of import ``job_id``; only its starter and administrators may read it.

        An import whose worker showed no sign of life for ``stale_after`` seconds is
        failed first (``job_stale``): in ``valid_rows`` mode the batches it committed stay.
        """
        with self.runtime.read() as conn:
            row = job_state.load(conn, job_id)
        if row is None or row["kind"] != KIND or not _may_read(ctx, row):
            raise ImportNotFound("import.not_found", id=job_id)
        live = self._live.get(job_id) if row["status"] == "running" else None
        if live is None and job_state.is_stale(row, stale_after, heartbeats=writes_heartbeats(self.runtime)):
            row = self._expire(job_id, stale_after)
        return import_document(row, live)

    def _expire(self, job_id, stale_after):
        with self.runtime.write() as conn:
            row = job_state.load(conn, job_id)
            if job_state.is_stale(row, stale_after, heartbeats=writes_heartbeats(self.runtime)):
                job_state.finish(conn, job_id, result=row["result"], error=failure_json(
                    500, "job_stale", Message("job.stale", seconds=stale_after)))
                tables.drop_file(conn, job_id)
                row = job_state.load(conn, job_id)
        return row


def _may_read(ctx, row):
    return ctx.is_admin or (ctx.user_id is not None and row["actor"].get("user_id") == ctx.user_id)


def actor_json(ctx):
    """Who started an import, as its job row keeps it (the token's scope included)."""
    scope = ctx.scope
    return {"user_id": ctx.user_id, "username": ctx.username, "token_id": ctx.token_id,
            "scope": None if scope is None else {"read_only": scope.read_only,
                                                 "objects": sorted(scope.objects) if scope.objects else None}}


def _result(progress, *, kept=None):
    found = {**progress.counts(), "errors": list(progress.errors)}
    if kept is not None:
        found["kept"] = kept
    return plain_json(found)


def _failure_of(error):
    if isinstance(error, RuntimeFailure):
        return failure_json(error.status, error.code, error.message, error.errors)
    return failure_json(500, "internal_error", Message("job.failed_unexpectedly"))


def import_document(row, live=None):
    """The JSON form of an import's job row; ``live`` (a Progress) overrides the stored progress."""
    params, result = row["params"], (_result(live) if live is not None else row["result"]) or {}
    done, total = (live.done, live.total) if live is not None else (row["progress_done"], row["progress_total"])
    base = job_state.document(row, (done, total or params["total"]))
    return {"id": row["id"], "status": row["status"], "object": params["object"], "format": params["format"],
            "filename": params["filename"], "mode": params["mode"], "dry_run": params["dry_run"],
            "external_id": params["external_id"], "mapping": params["mapping"], "progress": base["progress"],
            "created": result.get("created", 0), "updated": result.get("updated", 0),
            "failed": result.get("failed", 0), "kept": result.get("kept"), "errors": result.get("errors", []),
            "error": row["error"], "created_at": base["created_at"], "started_at": base["started_at"],
            "finished_at": base["finished_at"]}
