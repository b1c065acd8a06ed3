"""Audit entries the HTTP layer writes after a request: metadata changes and admin overrides.

Record transfers, shares, logins, tokens and directory changes are audited by the
runtime inside their own transactions; these are the events only the request knows as a
whole: an administrator reaching records of a private object they do not own, and
metadata drafts and publishes (permission sets included).

Override *reads* (read, list, history) are coalesced per process: the first one of a
window for (administrator, token or session, address, object, record, action) is written
at once; repeats inside the window are counted and written as one summary row (with
``details.count``) once the window has closed. Override *writes* (edit, delete) are
written one by one. See docs/security.md, "Audit log".
"""

import atexit
import logging
import weakref
from types import SimpleNamespace

from flask import g, request

from tessera.runtime.audit import log as audit
from tessera.runtime.audit.windows import AuditWindows
from tessera.runtime.fields.serialize import to_json
from tessera.runtime.access.visibility import sharing_model

from .jsonio import response_data

RECORD_ACTIONS = {"api.records_get": "read", "api.records_list": "list", "api.records_history": "history",
                  "api.records_count": "count", "api.records_aggregate": "aggregate",
                  "api.records_patch": "edit", "api.records_delete": "delete"}
#: Override actions that only read, and are coalesced per window.
COALESCED_ACTIONS = frozenset({"read", "list", "history", "count", "aggregate"})
METADATA_EVENTS = {"api.metadata_create": "metadata.draft_saved", "api.metadata_put": "metadata.draft_saved",
                   "api.metadata_delete": "metadata.draft_deleted", "api.metadata_publish": "metadata.published"}

log = logging.getLogger(__name__)
_LIVE = weakref.WeakSet()


class OverrideAudit:
    """Writes the admin-override entries of one app, coalescing repeated reads."""

    def __init__(self, runtime, windows=None):
        self.runtime = runtime
        self.windows = windows or AuditWindows()
        _LIVE.add(self)

    def after_request(self, ctx, response):
        """Audit the override this request made, if it made one."""
        action = RECORD_ACTIONS[request.endpoint]
        args = request.view_args or {}
        obj = self._object(args.get("object_name"))
        if obj is None or sharing_model(obj) != "private":
            return
        body = response_data(response) if action in ("read", "edit") else None
        if isinstance(body, dict) and body.get("owner") == ctx.user_id:
            return
        record_id = args.get("record_id")
        if action in COALESCED_ACTIONS:
            key = (ctx.user_id, ctx.token_id, ctx.session_id, ctx.ip, obj.name, record_id, action)
            if not self.windows.note(key, _actor(ctx)):
                return
        with self.runtime.write() as conn:
            audit.record(conn, "admin.override", ctx, object_name=obj.name, record_id=record_id,
                         details={"action": action})

    def _object(self, name):
        model = g.get("tessera_model")
        if model is None:
            with self.runtime.read() as conn:
                model = self.runtime.model(conn)
        return model.objects.get(name)

    def flush(self, *, force=False):
        """Write one summary row per closed window that counted repeats (sweeps at most once a second)."""
        due = self.windows.take_due(force=force)
        if not due:
            return
        with self.runtime.write() as conn:
            for key, window in due:
                _write_summary(conn, key, window)


def _actor(ctx):
    return SimpleNamespace(user_id=ctx.user_id, username=ctx.username, token_id=ctx.token_id, ip=ctx.ip)


def _write_summary(conn, key, window):
    object_name, record_id, action = key[4:]
    details = {"action": action, "count": window.repeats, "first_at": to_json(window.first_repeat),
               "last_at": to_json(window.last_repeat)}
    audit.record(conn, "admin.override", window.actor, object_name=object_name, record_id=record_id,
                 details=details)


@atexit.register
def _flush_at_exit():
    """Write the counted repeats of every live app when the process ends cleanly."""
    for overrides in list(_LIVE):
        try:
            overrides.flush(force=True)
        except Exception:  # noqa: BLE001 - the database may be gone at exit; say so, do not crash
            log.warning("could not write the coalesced admin-override audit entries", exc_info=True)


def _metadata(conn, ctx, response):
    event = METADATA_EVENTS[request.endpoint]
    args = request.view_args or {}
    details = None
    if event == "metadata.published":
        body = response_data(response) or {}
        details = {"revision": body.get("revision"), "changes": body.get("changes")}
        subject = f"revision {body.get('revision')}"
    else:
        subject = f"{args.get('kind')}/{args.get('name') or (request.get_json(silent=True) or {}).get('name')}"
    audit.record(conn, event, ctx, subject=subject, details=details)


def audit_after_request(runtime, overrides=None):
    """Return an after_request hook writing the admin-override and metadata audit entries."""
    overrides = overrides or OverrideAudit(runtime)

    def hook(response):
        ctx = g.get("ctx")
        if ctx is not None and response.status_code < 400:
            endpoint = request.endpoint
            if endpoint in METADATA_EVENTS:
                with runtime.write() as conn:
                    _metadata(conn, ctx, response)
            elif endpoint in RECORD_ACTIONS and ctx.is_admin:
                overrides.after_request(ctx, response)
        overrides.flush()
        return response

    hook.overrides = overrides
    return hook
