"""Metadata routes: drafts per kind and name, the plan, publishing, revisions."""

from flask import request

from tessera.metadata import store
from tessera.metadata.errors import InvalidDocument
from tessera.metadata.kinds import kind_spec
from tessera.runtime.publish import service as publishing
from tessera.runtime.fields.serialize import to_json

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, items_of, obj, query
from .common import ctx, runtime
from .guards import admin_only

STATE = (query("state", "draft (the default) or published.", {"type": "string", "enum": ["draft", "published"]}),)
PUBLISH_BODY = obj(confirm_data_loss={"type": "boolean", "description": "Allow steps that lose data."})


def _published_flag():
    state = request.args.get("state", "draft")
    if state not in ("draft", "published"):
        raise ApiProblem(400, "bad_request", "state must be draft or published", {"state": ["draft or published"]})
    return state == "published"


@operation("listMetadataDocuments", "List documents of a kind", tag="metadata", admin=True,
           parameters=STATE, returns=items_of(ANY_OBJECT))
def list_documents(kind):
    """All documents of ``kind`` (drafts by default, ``?state=published`` for the live set)."""
    admin_only()
    kind_spec(kind)
    with runtime().read() as conn:
        docs = store.list_documents(conn, kind, published=_published_flag())
    return json_response({"items": [body for body in docs.values()]})


@operation("createMetadataDocument", "Create the first draft of a document", tag="metadata", admin=True,
           status="201", body=ANY_OBJECT, returns=ANY_OBJECT)
def create_document(kind):
    """Create the first draft of a new document; its name comes from the body."""
    admin_only()
    kind_spec(kind)
    body = json_body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise InvalidDocument("the document needs a name", errors={"name": ["required"]})
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, body, ctx().username, new=True)
    return json_response({"kind": kind, "name": name, "version": version, "body": body}, 201,
                         {"Location": f"{request.path}/{name}"})


@operation("getMetadataDocument", "Read a document", tag="metadata", admin=True, parameters=STATE,
           returns=ANY_OBJECT)
def get_document(kind, name):
    """One document, draft by default."""
    admin_only()
    kind_spec(kind)
    with runtime().read() as conn:
        found = store.get_document(conn, kind, name, published=_published_flag())
    return json_response({"kind": kind, "name": name, **found})


@operation("saveMetadataDraft", "Save a draft of a document", tag="metadata", admin=True, body=ANY_OBJECT,
           returns=ANY_OBJECT)
def put_document(kind, name):
    """Save a new draft of (kind, name)."""
    admin_only()
    kind_spec(kind)
    body = json_body()
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, body, ctx().username)
        found = store.get_document(conn, kind, name)
    return json_response({"kind": kind, "name": name, **found, "version": version})


@operation("deleteMetadataDocument", "Delete a document at the next publish", tag="metadata", admin=True,
           returns=ANY_OBJECT)
def delete_document(kind, name):
    """Mark (kind, name) for deletion at the next publish."""
    admin_only()
    kind_spec(kind)
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, None, ctx().username)
    return json_response({"kind": kind, "name": name, "version": version, "deleted": True})


@operation("planPublish", "Dry-run the next publish", tag="metadata", admin=True, returns=ANY_OBJECT)
def plan():
    """What a publish would do now, without doing it."""
    admin_only()
    rt = runtime()
    with rt.read() as conn:
        return json_response(publishing.plan(conn, rt.model(conn)))


@operation("publishMetadata", "Publish every pending draft", tag="metadata", admin=True, body=PUBLISH_BODY,
           body_required=False, returns=ANY_OBJECT)
def publish():
    """Check and publish every pending draft; ``confirm_data_loss`` allows lossy steps."""
    admin_only()
    body = json_body() if request.content_length else {}
    confirm = isinstance(body, dict) and body.get("confirm_data_loss") is True
    rt = runtime()
    with rt.write() as conn:
        result = publishing.publish(conn, rt.model(conn), ctx().username,
                                    confirm_data_loss=confirm, actor_id=ctx().user_id)
    rt.forget_revision()
    return json_response(result)


@operation("listRevisions", "Published revisions, newest first", tag="metadata", admin=True,
           returns=items_of(ANY_OBJECT))
def revisions():
    """The newest published revisions, newest first."""
    admin_only()
    with runtime().read() as conn:
        items = [{key: to_json(value) for key, value in row.items()} for row in store.revisions(conn)]
        return json_response({"items": items})


def register(bp):
    """Add the metadata routes to ``bp``."""
    bp.add_url_rule("/metadata/plan", "metadata_plan", plan, methods=["GET"])
    bp.add_url_rule("/metadata/publish", "metadata_publish", publish, methods=["POST"])
    bp.add_url_rule("/metadata/revisions", "metadata_revisions", revisions, methods=["GET"])
    bp.add_url_rule("/metadata/<kind>", "metadata_list", list_documents, methods=["GET"])
    bp.add_url_rule("/metadata/<kind>", "metadata_create", create_document, methods=["POST"])
    bp.add_url_rule("/metadata/<kind>/<name>", "metadata_get", get_document, methods=["GET"])
    bp.add_url_rule("/metadata/<kind>/<name>", "metadata_put", put_document, methods=["PUT"])
    bp.add_url_rule("/metadata/<kind>/<name>", "metadata_delete", delete_document, methods=["DELETE"])
