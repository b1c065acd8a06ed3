"""The drafts a publish would apply, each with who changed it when and both its bodies.

``store.pending_changes`` says what the next publish applies; this adds what a person
reviewing the changes needs: the draft's author and time, the draft body and the body
published now, so the two can be compared.
"""

from sqlalchemy import and_, select, update

from .errors import DocumentNotFound
from .store import newest_version, pending_changes, utcnow
from .tables import document_head, document_version


def _version_row(conn, kind, name, version):
    if version is None:
        return None
    query = select(document_version.c.body, document_version.c.author, document_version.c.created_at).where(
        document_version.c.kind == kind, document_version.c.name == name, document_version.c.version == version)
    return conn.execute(query).mappings().first()


def _head(conn, kind, name):
    query = select(document_head).where(document_head.c.kind == kind, document_head.c.name == name)
    return conn.execute(query).mappings().first()


def pending_drafts(conn):
    """Every pending change as {"kind", "name", "action", "author", "changed_at", "draft", "published"}:
    ``draft`` is None for a deletion, ``published`` None for a document never published."""
    found = []
    for kind, name, action in pending_changes(conn):
        head = _head(conn, kind, name)
        draft = _version_row(conn, kind, name, head["draft_version"])
        published = _version_row(conn, kind, name, head["published_version"])
        found.append({"kind": kind, "name": name, "action": action, "author": draft["author"],
                      "changed_at": draft["created_at"], "draft": draft["body"],
                      "published": published["body"] if published else None})
    return found


def discard_draft(conn, kind, name, author):
    """Drop the pending draft of (kind, name): the document goes back to its published body
    (a document never published is marked deleted, which publishes nothing). Returns the
    draft version now in force; raises DocumentNotFound when (kind, name) has no document."""
    head = _head(conn, kind, name)
    if head is None:
        raise DocumentNotFound("metadata.document.none", kind=kind, name=name)
    if head["published_version"] is not None:
        if head["draft_version"] != head["published_version"]:
            conn.execute(update(document_head).where(document_head.c.kind == kind, document_head.c.name == name)
                         .values(draft_version=head["published_version"]))
        return head["published_version"]
    if _version_row(conn, kind, name, head["draft_version"])["body"] is None:
        return head["draft_version"]
    version = newest_version(conn, kind, name) + 1
    conn.execute(document_version.insert().values(kind=kind, name=name, version=version, body=None, author=author,
                                                  created_at=utcnow()))
    conn.execute(update(document_head).where(and_(document_head.c.kind == kind, document_head.c.name == name))
                 .values(draft_version=version))
    return version

