"""Feedback pages: "my feedback" (what the reader wrote and its status) and, for
administrators, the triage list. Both read through the feedback service; writing and
triaging go from the browser to ``/api/v1/feedback`` (``static/feedback.js``, ``triage.js``)."""

from flask import current_app, g, request

from tessera.runtime.access.admin import require_admin
from tessera.runtime.feedback.tables import STATUSES

PAGE_SIZE = "50"


def _list(args):
    query = {"limit": PAGE_SIZE, **{k: v for k, v in args.items() if v}}
    return current_app.extensions["tessera"].feedback.list(g.ctx, query)


def mine():
    """The reader's own feedback, newest first, a page at a time."""
    return _list({"mine": "true", "cursor": request.args.get("cursor")})


def triage_list():
    """(page, status filter or None, {status: count}) of every entry, for administrators."""
    require_admin(g.ctx)
    status = request.args.get("status")
    status = status if status in STATUSES else None
    found = _list({"status": status, "cursor": request.args.get("cursor")})
    return found, status, current_app.extensions["tessera"].feedback.counts(g.ctx)
