"""Background jobs: polling one (publishes that touch many rows run as jobs)."""

from flask import current_app

from tessera.i18n import Translated

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, INTEGER, NULLABLE_STAMP, PROBLEM, STAMP, TEXT, obj
from ..problems import problem_body
from .common import ctx, runtime

JOB = obj(("id", "kind", "status", "progress", "result", "error", "created_at", "started_at", "finished_at"),
          id=INTEGER, kind=TEXT,
          status={"type": "string", "enum": ["queued", "running", "succeeded", "failed"]},
          progress=obj(("done", "total"), done=INTEGER, total=INTEGER),
          result={"anyOf": [ANY_OBJECT, {"type": "null"}],
                  "description": "What the operation answers when it runs at once (a publish: its plan and revision)."},
          error={"anyOf": [PROBLEM, {"type": "null"}], "description": "Why the job failed, as a problem document."},
          created_at=STAMP, started_at=NULLABLE_STAMP, finished_at=NULLABLE_STAMP)


def _problem(stored):
    """A stored job problem (texts in every locale) as a problem document in the reader's locale."""
    errors = {path: [Translated(texts) for texts in messages] for path, messages in stored.get("errors", {}).items()}
    return problem_body(stored["status"], stored["code"], Translated(stored["detail"]), errors)


def job_json(document):
    """A job document as the API writes it: its problem rendered for the reader."""
    if document["error"] is None:
        return document
    return {**document, "error": _problem(document["error"])}


@operation("getJob", "Poll a background job: status, progress, then its result or problem", tag="jobs",
           admin=True, returns=JOB)
def get_job(job_id):
    """The job's status and progress; once it ended, its result or the problem that stopped it."""
    found = runtime().publish_jobs.get(ctx(), job_id, stale_after=current_app.config["JOB_STALE_SECONDS"])
    return json_response(job_json(found))


def register(bp):
    """Add the job routes to ``bp``."""
    bp.add_url_rule("/jobs/<int:job_id>", "job", get_job, methods=["GET"])
