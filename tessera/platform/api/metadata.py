"""Metadata routes: drafts per kind and name, the plan, publishing, revisions."""

from flask import request

from tessera.i18n import Message
from tessera.metadata import store
from tessera.metadata.errors import InvalidDocument
from tessera.metadata.kinds import kind_spec
from tessera.runtime.fields.serialize import to_json
from tessera.runtime.publish import service as publishing

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from .common import ctx, runtime
from .guards import admin_only


def _published_flag():
    state = request.args.get("state", "draft")
    if state not in ("draft", "published"):
        raise ApiProblem(400, "bad_request", "api.metadata.state", {"state": [Message("api.draft_or_published")]})
    return state == "published"


def list_documents(kind):
    """All documents of ``kind`` (drafts by default, ``?state=published`` for the live set)."""
    admin_only()
    kind_spec(kind)
    with runtime().read() as conn:
        docs = store.list_documents(conn, kind, published=_published_flag())
    return json_response({"items": [body for body in docs.values()]})


def create_document(kind):
    """Create the first draft of a new document; its name comes from the body."""
    admin_only()
    kind_spec(kind)
    body = json_body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise InvalidDocument("api.metadata.name_required", errors={"name": [Message("api.required")]})
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, body, ctx().username, new=True)
    return json_response({"kind": kind, "name": name, "version": version, "body": body}, 201,
                         {"Location": f"{request.path}/{name}"})


def get_document(kind, name):
    """One document, draft by default."""
    admin_only()
    kind_spec(kind)
    with runtime().read() as conn:
        found = store.get_document(conn, kind, name, published=_published_flag())
    return json_response({"kind": kind, "name": name, **found})


def put_document(kind, name):
    """Save a new draft of (kind, name)."""
    admin_only()
    kind_spec(kind)
    body = json_body()
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, body, ctx().username)
        found = store.get_document(conn, kind, name)
    return json_response({"kind": kind, "name": name, **found, "version": version})


def delete_document(kind, name):
    """Mark (kind, name) for deletion at the next publish."""
    admin_only()
    kind_spec(kind)
    with runtime().write() as conn:
        version = store.save_draft(conn, kind, name, None, ctx().username)
    return json_response({"kind": kind, "name": name, "version": version, "deleted": True})


def plan():
    """What a publish would do now, without doing it."""
    admin_only()
    rt = runtime()
    with rt.read() as conn:
        return json_response(publishing.plan(conn, rt.model(conn)))


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
