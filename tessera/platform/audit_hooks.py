"""Audit entries the HTTP layer writes after a request: metadata changes and admin overrides.

Record transfers, shares, logins, tokens and directory changes are audited by the
runtime inside their own transactions; these are the events only the request knows as a
whole: an administrator reaching records of a private object they do not own, and
metadata drafts and publishes (permission sets included).
"""

from flask import g, request

from tessera.runtime import audit
from tessera.runtime.errors import ObjectNotFound
from tessera.runtime.sharing import sharing_model

RECORD_ACTIONS = {"api.records_get": "read", "api.records_list": "list", "api.records_history": "history",
                  "api.records_patch": "edit", "api.records_delete": "delete"}
METADATA_EVENTS = {"api.metadata_create": "metadata.draft_saved", "api.metadata_put": "metadata.draft_saved",
                   "api.metadata_delete": "metadata.draft_deleted", "api.metadata_publish": "metadata.published"}


def _override(conn, runtime, ctx, response):
    action = RECORD_ACTIONS[request.endpoint]
    args = request.view_args or {}
    try:
        _, obj = runtime.object_for(conn, args["object_name"])
    except ObjectNotFound:
        return
    if sharing_model(obj) != "private":
        return
    body = response.get_json(silent=True) if action in ("read", "edit") else None
    if isinstance(body, dict) and body.get("owner") == ctx.user_id:
        return
    audit.record(conn, "admin.override", ctx, object_name=obj.name, record_id=args.get("record_id"),
                 details={"action": action})


def _metadata(conn, ctx, response):
    event = METADATA_EVENTS[request.endpoint]
    args = request.view_args or {}
    details = None
    if event == "metadata.published":
        body = response.get_json(silent=True) or {}
        details = {"revision": body.get("revision"), "changes": body.get("changes")}
        subject = f"revision {body.get('revision')}"
    else:
        subject = f"{args.get('kind')}/{args.get('name') or (request.get_json(silent=True) or {}).get('name')}"
    audit.record(conn, event, ctx, subject=subject, details=details)


def audit_after_request(runtime):
    """Return an after_request hook writing the admin-override and metadata audit entries."""

    def hook(response):
        ctx = g.get("ctx")
        if ctx is None or response.status_code >= 400:
            return response
        endpoint = request.endpoint
        if (endpoint in RECORD_ACTIONS and ctx.is_admin) or endpoint in METADATA_EVENTS:
            with runtime.write() as conn:
                if endpoint in METADATA_EVENTS:
                    _metadata(conn, ctx, response)
                else:
                    _override(conn, runtime, ctx, response)
        return response

    return hook
