"""The metadata service: drafts, the publish plan, publishing and revisions, for a context.

Each operation checks the administrator right, then validates, writes and audits in one
transaction; routes, CLI commands, jobs and plugins call it alike.
"""

from tessera.metadata import store
from tessera.metadata.errors import MetadataError
from tessera.metadata.kinds import kind_spec

from ..access.admin import require_admin
from ..fields.serialize import to_json
from . import drafts
from . import service as publishing


class MetadataService:
    """Metadata operations over one runtime's database."""

    def __init__(self, runtime):
        self.runtime = runtime

    def _take_secrets(self, conn, kind, name, body):
        """``body`` without the write-only secrets of webhooks and inbound endpoints (stored apart)."""
        body = self.runtime.webhooks.take_secret(conn, kind, name, body)
        return self.runtime.inbound.take_secret(conn, kind, name, body)

    def list(self, ctx, kind, *, published=False):
        """The bodies of every document of ``kind``: drafts, or the published set."""
        require_admin(ctx)
        kind_spec(kind)
        with self.runtime.read() as conn:
            return list(store.list_documents(conn, kind, published=published).values())

    def get(self, ctx, kind, name, *, published=False):
        """One document as {"kind", "name", "body", "version", ...}, draft by default."""
        require_admin(ctx)
        kind_spec(kind)
        with self.runtime.read() as conn:
            return {"kind": kind, "name": name, **store.get_document(conn, kind, name, published=published)}

    def create(self, ctx, kind, body):
        """Create the first draft of a new document named by its body; return it with its version."""
        require_admin(ctx)
        name = drafts.new_document_name(kind, body)
        with self.runtime.write() as conn:
            body = self._take_secrets(conn, kind, name, body)
            version = drafts.create_draft(conn, ctx, kind, name, body)
        return {"kind": kind, "name": name, "version": version, "body": body}

    def save(self, ctx, kind, name, body):
        """Save a new draft of (kind, name); return the stored document with its version."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            body = self._take_secrets(conn, kind, name, body)
            version = drafts.save_draft(conn, ctx, kind, name, body)
            found = store.get_document(conn, kind, name)
        return {"kind": kind, "name": name, **found, "version": version}

    def delete(self, ctx, kind, name):
        """Mark (kind, name) for deletion at the next publish."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            version = drafts.delete_draft(conn, ctx, kind, name)
        return {"kind": kind, "name": name, "version": version, "deleted": True}

    def apply(self, ctx, documents):
        """Save every document (each names its kind) as a draft, all or none.

        Returns [{"kind", "name", "version"}]. A refused document's error carries its
        position in ``documents`` as ``error.position``.
        """
        require_admin(ctx)
        saved = []
        with self.runtime.write() as conn:
            for position, doc in enumerate(documents):
                try:
                    doc = self._take_secrets(conn, doc.get("kind"), doc.get("name"), doc)
                    version = drafts.save_draft(conn, ctx, doc.get("kind"), doc.get("name"), doc)
                except MetadataError as error:
                    error.position = position
                    raise
                saved.append({"kind": doc["kind"], "name": doc["name"], "version": version})
        return saved

    def plan(self, ctx):
        """What a publish would do now (a dry run)."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            return publishing.plan(conn, self.runtime.model(conn))

    def publish(self, ctx, *, confirm_data_loss=False):
        """Check and publish every pending draft, audited in the publish transaction."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            self.runtime.webhooks.check_pending(conn)
            self.runtime.automation.check_pending(conn)
            result = publishing.publish(conn, self.runtime.model(conn), ctx, confirm_data_loss=confirm_data_loss)
        self.runtime.forget_revision()
        return result

    def revisions(self, ctx):
        """The newest published revisions, newest first."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            return [{key: to_json(value) for key, value in row.items()} for row in store.revisions(conn)]
