"""Metadata routes: drafts per kind and name, the plan, publishing, revisions."""

from flask import current_app, request, url_for

from tessera.i18n import Message
from tessera.runtime.publish.changes import discard

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, items_of, obj, query
from ..jobs import launcher
from .common import ctx, runtime
from .guards import optional_object_body
from .jobs import JOB, job_json

STATE = (query("state", "draft (the default) or published.", {"type": "string", "enum": ["draft", "published"]}),)
PUBLISH_BODY = obj(confirm_data_loss={"type": "boolean", "description": "Allow steps that lose data."})


def _published_flag():
    state = request.args.get("state", "draft")
    if state not in ("draft", "published"):
        raise ApiProblem(400, "bad_request", "api.metadata.state", {"state": [Message("api.draft_or_published")]})
    return state == "published"


@operation("listMetadataDocuments", "List documents of a kind", tag="metadata", admin=True,
           parameters=STATE, returns=items_of(ANY_OBJECT))
def list_documents(kind):
    """All documents of ``kind`` (drafts by default, ``?state=published`` for the live set)."""
    return json_response({"items": runtime().metadata.list(ctx(), kind, published=_published_flag())})


@operation("createMetadataDocument", "Create the first draft of a document", tag="metadata", admin=True,
           status="201", body=ANY_OBJECT, returns=ANY_OBJECT)
def create_document(kind):
    """Create the first draft of a new document; its name comes from the body."""
    created = runtime().metadata.create(ctx(), kind, json_body())
    return json_response(created, 201, {"Location": f"{request.path}/{created['name']}"})


@operation("getMetadataDocument", "Read a document", tag="metadata", admin=True, parameters=STATE,
           returns=ANY_OBJECT)
def get_document(kind, name):
    """One document, draft by default."""
    return json_response(runtime().metadata.get(ctx(), kind, name, published=_published_flag()))


@operation("saveMetadataDraft", "Save a draft of a document", tag="metadata", admin=True, body=ANY_OBJECT,
           returns=ANY_OBJECT)
def put_document(kind, name):
    """Save a new draft of (kind, name)."""
    return json_response(runtime().metadata.save(ctx(), kind, name, json_body()))


@operation("deleteMetadataDocument", "Delete a document at the next publish", tag="metadata", admin=True,
           returns=ANY_OBJECT)
def delete_document(kind, name):
    """Mark (kind, name) for deletion at the next publish."""
    return json_response(runtime().metadata.delete(ctx(), kind, name))


@operation("discardMetadataDraft", "Discard the pending draft of a document", tag="metadata", admin=True,
           returns=ANY_OBJECT)
def discard_draft(kind, name):
    """Drop the pending draft of (kind, name): back to its published body (a document never
    published is marked deleted, so the next publish leaves it out)."""
    return json_response(discard(runtime(), ctx(), kind, name))


@operation("planPublish", "Dry-run the next publish", tag="metadata", admin=True, returns=ANY_OBJECT)
def plan():
    """What a publish would do now, without doing it."""
    return json_response(runtime().metadata.plan(ctx()))


JOB_LOCATION = {"Location": {"description": "Where to poll the job.", "schema": {"type": "string"}}}


@operation("publishMetadata", "Publish every pending draft", tag="metadata", admin=True, body=PUBLISH_BODY,
           body_required=False, returns=ANY_OBJECT,
           description="Answers 200 with the new revision when done at once; a publish whose plan touches "
                       "at least PUBLISH_JOB_ROWS rows answers 202 with a job to poll at its Location "
                       "(the job's result is the same document). 409 job_in_progress while a publish job "
                       "is queued or running.",
           also={"202": {"description": "Publishing as a background job", "schema": JOB, "headers": JOB_LOCATION}})
def publish():
    """Check and publish every pending draft; ``confirm_data_loss`` allows lossy steps.

    A publish touching at least PUBLISH_JOB_ROWS rows runs as a job: 202 with its document.
    """
    confirm = optional_object_body().get("confirm_data_loss") is True
    app = current_app
    outcome, found = runtime().publish_jobs.publish(
        ctx(), confirm_data_loss=confirm, job_rows=app.config["PUBLISH_JOB_ROWS"], launch=launcher(app),
        stale_after=app.config["JOB_STALE_SECONDS"])
    if outcome == "queued":
        return json_response(job_json(found), 202, {"Location": url_for("api.job", job_id=found["id"])})
    return json_response(found)


@operation("listRevisions", "Published revisions, newest first", tag="metadata", admin=True,
           returns=items_of(ANY_OBJECT))
def revisions():
    """The newest published revisions, newest first."""
    return json_response({"items": runtime().metadata.revisions(ctx())})


def register(bp):
    """Add the metadata routes to ``bp``."""
    bp.add_url_rule("/metadata/plan", "metadata_plan", plan, methods=["GET"])
    bp.add_url_rule("/metadata/publish", "metadata_publish", publish, methods=["POST"])
    bp.add_url_rule("/metadata/revisions", "metadata_revisions", revisions, methods=["GET"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>", "metadata_list", list_documents, methods=["GET"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>", "metadata_create", create_document, methods=["POST"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>/<name>", "metadata_get", get_document, methods=["GET"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>/<name>", "metadata_put", put_document, methods=["PUT"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>/<name>", "metadata_delete", delete_document, methods=["DELETE"])
    bp.add_url_rule("/metadata/<metadata_kind:kind>/<name>/draft", "metadata_discard", discard_draft,
                    methods=["DELETE"])
