"""Inbound endpoint secrets: write-only through the API, kept apart from the documents, and the
check of a signed request against them."""

from datetime import UTC

from sqlalchemy import insert, select, update

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from ..errors import AuthenticationFailed, RuntimeFailure
from ..schema.system_tables import user
from . import inbound_signature
from .inbound_tables import inbound_secret

KIND = "inbound_endpoint"


class InboundRefused(RuntimeFailure):
    """An inbound endpoint document cannot be saved: its secret or run_as user is not acceptable."""

    code = "inbound_refused"
    status = 422


def store(conn, name, secret, now):
    """Keep ``secret`` as the secret of endpoint ``name`` (replacing any earlier one)."""
    moved = conn.execute(update(inbound_secret).where(inbound_secret.c.name == name)
                         .values(secret=secret, updated_at=now))
    if moved.rowcount == 0:
        conn.execute(insert(inbound_secret).values(name=name, secret=secret, updated_at=now))


def load(conn, name):
    """The secret of endpoint ``name``, or None."""
    return conn.execute(select(inbound_secret.c.secret).where(inbound_secret.c.name == name)).scalar()


def user_id_of(conn, username):
    """The id of the active user called ``username``, or None."""
    query = select(user.c.id).where(user.c.username == username, user.c.active.is_(True))
    return conn.execute(query).scalar()


def take_secret(conn, kind, name, body):
    """``body`` without its ``secret``, which is stored for endpoint ``name``. Raise InboundRefused
    for a bad secret, or a signed endpoint without an existing ``run_as`` user."""
    if kind != KIND or not isinstance(body, dict):
        return body
    body = dict(body)
    secret = body.pop("secret", None)
    if secret is not None:
        if not isinstance(secret, str) or not 16 <= len(secret) <= 255:
            raise InboundRefused("inbound.secret.invalid", errors={"secret": ["inbound.secret.invalid"]})
        if isinstance(name, str):
            store(conn, name, secret, utcnow())
    signed = secret is not None or (isinstance(name, str) and load(conn, name) is not None)
    run_as = body.get("run_as")
    if signed and run_as is None:
        raise InboundRefused("inbound.run_as.required", errors={"run_as": ["inbound.run_as.required"]})
    if isinstance(run_as, str) and user_id_of(conn, run_as) is None:
        unknown = Message("inbound.run_as.unknown", username=run_as)
        raise InboundRefused(unknown, errors={"run_as": [unknown]})
    return body


def unix_seconds(moment):
    """``moment`` (aware, or naive UTC) as unix seconds."""
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def signer(conn, doc, name, header, body, now):
    """The id of the user a request to endpoint ``name`` (published ``doc``, or None) signed with
    ``header`` acts as; AuthenticationFailed when the signature does not hold."""
    secret = load(conn, name) if doc is not None and doc.get("active", True) else None
    if secret is None:
        raise AuthenticationFailed("inbound.signature.not_accepted")
    problem = inbound_signature.check(secret, header, body, unix_seconds(now))
    if problem:
        raise AuthenticationFailed(problem)
    user_id = user_id_of(conn, doc.get("run_as") or "")
    if user_id is None:
        raise AuthenticationFailed("auth.user.deactivated")
    return user_id
