"""The versioned metadata store: drafts, published documents and revisions.

Every save adds a version; publishing moves each head's published pointer to its draft
and records one new global revision. All methods take a SQLAlchemy Connection so the
caller decides the transaction (publishing shares it with the schema migration).
"""

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .documents import validate_document
from .errors import ConcurrentPublish, DocumentExists, DocumentNotFound
from .tables import document_head, document_version, published_version, revision


def utcnow():
    """The current time as naive UTC, the form every stored datetime takes."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


_NEWEST_REVISION = select(func.coalesce(func.max(revision.c.revision), 0))


def revision_column():
    """A scalar subquery giving the newest published revision, to read it along with other columns."""
    return _NEWEST_REVISION.scalar_subquery()


def current_revision(conn):
    """The number of the newest published revision (0 before the first publish)."""
    return conn.execute(_NEWEST_REVISION).scalar_one()


def _head(conn, kind, name):
    query = select(document_head).where(document_head.c.kind == kind, document_head.c.name == name)
    return conn.execute(query).mappings().first()


def _body(conn, kind, name, version):
    query = select(document_version.c.body).where(
        document_version.c.kind == kind,
        document_version.c.name == name,
        document_version.c.version == version,
    )
    return conn.execute(query).scalar_one()


def json_plain(value):
    """``value`` with every Decimal (an API body's fractions) as the float JSON stores; the
    shortest repr of that float reads back as the same decimal text (0.7 stays 0.7)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: json_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_plain(item) for item in value]
    return value


def newest_version(conn, kind, name):
    """The highest version stored for (kind, name): a discarded draft points the head back at
    the published version, so the next draft numbers after every version ever written."""
    query = select(func.max(document_version.c.version)).where(
        document_version.c.kind == kind, document_version.c.name == name)
    return conn.execute(query).scalar() or 0


def save_draft(conn, kind, name, body, author, *, new=False):
    """Validate ``body`` and store it as the new draft of (kind, name); return its version.

    A ``body`` of None records a deletion, to take effect at the next publish. With
    ``new``, a (kind, name) whose draft is live is refused with DocumentExists.
    """
    if body is not None:
        body = validate_document(kind, name, {"kind": kind, "name": name, **body} if isinstance(body, dict) else body)
        body = json_plain(body)
    head = _head(conn, kind, name)
    if head is None and body is None:
        raise DocumentNotFound("metadata.document.not_found", kind=kind, name=name)
    if new and head is not None and _body(conn, kind, name, head["draft_version"]) is not None:
        raise DocumentExists("metadata.document.exists", kind=kind, name=name)
    version = 1 if head is None else newest_version(conn, kind, name) + 1
    conn.execute(
        insert(document_version).values(
            kind=kind, name=name, version=version, body=body, author=author, created_at=utcnow()
        )
    )
    if head is None:
        conn.execute(insert(document_head).values(kind=kind, name=name, draft_version=version))
    else:
        conn.execute(
            update(document_head)
            .where(document_head.c.kind == kind, document_head.c.name == name)
            .values(draft_version=version)
        )
    return version


def get_document(conn, kind, name, *, published=False):
    """Return {"body", "version", "published_version", "draft_version"} or raise DocumentNotFound."""
    head = _head(conn, kind, name)
    version = head and (head["published_version"] if published else head["draft_version"])
    body = version and _body(conn, kind, name, version)
    if body is None:
        raise DocumentNotFound("metadata.document.no_published" if published else "metadata.document.none",
                               kind=kind, name=name)
    return {
        "body": body,
        "version": version,
        "draft_version": head["draft_version"],
        "published_version": head["published_version"],
    }


def version_body(conn, kind, name, version):
    """The body of one stored version of (kind, name), or None when there is none (or it was a deletion)."""
    query = select(document_version.c.body).where(
        document_version.c.kind == kind, document_version.c.name == name, document_version.c.version == version)
    return conn.execute(query).scalar()


def list_documents(conn, kind=None, *, published=False):
    """Return {(kind, name): body} for every live draft (or published) document."""
    pointer = document_head.c.published_version if published else document_head.c.draft_version
    query = select(document_version.c.kind, document_version.c.name, document_version.c.body).join(
        document_head,
        and_(
            document_head.c.kind == document_version.c.kind,
            document_head.c.name == document_version.c.name,
            pointer == document_version.c.version,
        ),
    )
    if kind is not None:
        query = query.where(document_version.c.kind == kind)
    rows = conn.execute(query.order_by(document_version.c.kind, document_version.c.name))
    return {(row.kind, row.name): row.body for row in rows if row.body is not None}


def pending_changes(conn):
    """Return the list of (kind, name, action) that the next publish would apply."""
    query = select(document_head).where(
        (document_head.c.published_version.is_(None))
        | (document_head.c.published_version != document_head.c.draft_version)
    )
    changes = []
    for head in conn.execute(query).mappings():
        draft = _body(conn, head["kind"], head["name"], head["draft_version"])
        was_live = head["published_version"] and _body(
            conn, head["kind"], head["name"], head["published_version"]
        ) is not None
        if draft is None and not was_live:
            continue
        action = "delete" if draft is None else ("update" if was_live else "create")
        changes.append((head["kind"], head["name"], action))
    return sorted(changes)


def record_publish(conn, expected_revision, author, changes, plan):
    """Point every head at its draft and write revision ``expected_revision + 1``.

    Raises ConcurrentPublish when another publish took that revision number first.
    """
    new_revision = expected_revision + 1
    try:
        with conn.begin_nested():
            conn.execute(
                insert(revision).values(
                    revision=new_revision,
                    published_at=utcnow(),
                    author=author,
                    changes=[{"kind": k, "name": n, "action": a} for k, n, a in changes],
                    plan=plan,
                )
            )
    except IntegrityError:
        raise ConcurrentPublish("metadata.publish.concurrent") from None
    for kind, name, _ in changes:
        conn.execute(
            update(document_head)
            .where(document_head.c.kind == kind, document_head.c.name == name)
            .values(published_version=document_head.c.draft_version)
        )
        version = _head(conn, kind, name)["draft_version"]
        conn.execute(insert(published_version).values(kind=kind, name=name, version=version, revision=new_revision))
    return new_revision


def published_history(conn, kind, name=None):
    """Every version of ``kind`` (or of one document) that was ever published, oldest first:
    ``[{"name", "version", "revision", "published_at", "body"}]``, ``body`` None where a publish deleted it."""
    query = (select(published_version.c.name, published_version.c.version, published_version.c.revision,
                    revision.c.published_at, document_version.c.body)
             .join(document_version, and_(document_version.c.kind == published_version.c.kind,
                                          document_version.c.name == published_version.c.name,
                                          document_version.c.version == published_version.c.version))
             .join(revision, revision.c.revision == published_version.c.revision)
             .where(published_version.c.kind == kind))
    if name is not None:
        query = query.where(published_version.c.name == name)
    rows = conn.execute(query.order_by(published_version.c.name, published_version.c.version))
    return [dict(row) for row in rows.mappings()]


def revisions(conn, limit=50):
    """Return the newest revisions, newest first."""
    query = select(revision).order_by(revision.c.revision.desc()).limit(limit)
    return [dict(row) for row in conn.execute(query).mappings()]
