"""Reviewing the pending changes: the drafts with who changed them when, and discarding one.

Administrators only, like every metadata operation; a discard and its
``metadata.draft_discarded`` audit entry commit together.
"""

from tessera.metadata.kinds import kind_spec
from tessera.metadata.pending import discard_draft, pending_drafts

from ..access.admin import require_admin
from ..audit import log as audit


def pending(runtime, ctx):
    """Every pending change with its author, time, draft body and published body (``pending_drafts``)."""
    require_admin(ctx)
    with runtime.read() as conn:
        return pending_drafts(conn)


def discard(runtime, ctx, kind, name):
    """Drop the pending draft of (kind, name), back to its published body; return
    {"kind", "name", "version"} with the draft version now in force."""
    require_admin(ctx)
    kind_spec(kind)
    with runtime.write() as conn:
        version = discard_draft(conn, kind, name, ctx.username)
        audit.record(conn, "metadata.draft_discarded", ctx, subject=f"{kind}/{name}")
    return {"kind": kind, "name": name, "version": version}
