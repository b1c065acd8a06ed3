"""Metadata drafts saved or marked for deletion by a context, each with its audit entry.

The draft and its ``metadata.draft_saved`` / ``metadata.draft_deleted`` entry are
written on the caller's connection, so they commit together or not at all.
"""

from tessera.i18n import Message
from tessera.metadata import store
from tessera.metadata.errors import InvalidDocument
from tessera.metadata.kinds import kind_spec

from ..audit import log as audit


def new_document_name(kind, body):
    """The name of a new document of ``kind``, taken from its body; raise when it has none."""
    kind_spec(kind)
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str):
        raise InvalidDocument("publish.draft.name_required", errors={"name": [Message("input.required")]})
    return name


def create_draft(conn, ctx, kind, name, body):
    """Save the first draft of a new document (kind, name); raise DocumentExists if it exists."""
    return save_draft(conn, ctx, kind, name, body, new=True)


def save_draft(conn, ctx, kind, name, body, *, new=False):
    """Validate ``body`` and store it as the new draft of (kind, name) by ``ctx``; return its version."""
    kind_spec(kind)
    version = store.save_draft(conn, kind, name, body, ctx.username, new=new)
    audit.record(conn, "metadata.draft_saved", ctx, subject=f"{kind}/{name}")
    return version


def delete_draft(conn, ctx, kind, name):
    """Mark (kind, name) for deletion at the next publish; return the draft version."""
    kind_spec(kind)
    version = store.save_draft(conn, kind, name, None, ctx.username)
    audit.record(conn, "metadata.draft_deleted", ctx, subject=f"{kind}/{name}")
    return version
