"""Personal API tokens: random, shown once, stored only as a SHA-256 hash, scoped and revocable."""

import hashlib
import re
import secrets
from datetime import timedelta
from operator import itemgetter

from sqlalchemy import bindparam, insert, select, update

from tessera.i18n import Message
from tessera.metadata.names import name_problem
from tessera.metadata.store import revision_column, utcnow

from ..audit import log as audit

from . import version as directory_version
from ..errors import AuthenticationFailed, DirectoryEntryNotFound, RecordInvalid
from .. import prepared
from .principal import CONTEXT_USER_COLUMNS
from ..fields.serialize import to_json
from ..schema.system_tables import token, user

TOKEN_PREFIX = "tsr_"
TOKEN_SHAPE = re.compile(r"^tsr_[A-Za-z0-9_-]{20,100}$")
SCOPES = ("read", "read_write")
MAX_DAYS = 3650


def hash_token(secret):
    """The stored form of a token: its SHA-256 hex digest (tokens carry 256 random bits)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_request(name, scope, objects, expires_in_days):
    """Raise RecordInvalid naming every bad part of a token request."""
    errors = {}
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 255:
        errors["name"] = [Message("input.text_length", min=1, max=255)]
    if scope not in SCOPES:
        errors["scope"] = [Message("input.one_of", choices=", ".join(SCOPES))]
    if objects is not None and (not isinstance(objects, list) or not 0 < len(objects) <= 100
                                or any(name_problem(o) for o in objects)):
        errors["objects"] = [Message("identity.token.objects_shape", max=100)]
    if expires_in_days is not None and (isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int)
                                        or not 1 <= expires_in_days <= MAX_DAYS):
        errors["expires_in_days"] = [Message("identity.token.expiry_shape", max=MAX_DAYS)]
    if errors:
        raise RecordInvalid("identity.token.invalid", errors=errors)


def issue_token(conn, user_id, name="cli", *, scope="read_write", objects=None, expires_in_days=None):
    """Create a token for ``user_id``; return (token id, secret). The secret is never stored."""
    check_request(name, scope, objects, expires_in_days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=expires_in_days) if expires_in_days else None
    values = {"user_id": user_id, "token_hash": hash_token(secret), "name": name.strip(), "scope": scope,
              "objects": sorted(set(objects)) if objects else None, "created_at": now, "expires_at": expires_at}
    token_id = conn.execute(insert(token).returning(token.c.id), [values]).scalar_one()
    return token_id, secret


def check_objects_published(model, objects):
    """Raise RecordInvalid naming each entry of a token's ``objects`` that ``model`` does not publish."""
    if isinstance(objects, list):
        missing = [o for o in objects if isinstance(o, str) and o not in model.objects]
        if missing:
            raise RecordInvalid("identity.token.unknown_objects",
                                errors={"objects": [Message("record.object.not_published", name=o) for o in missing]})


def create_token(conn, user_id, name="cli", **options):
    """Create a token for ``user_id``; return the secret (shown once)."""
    return issue_token(conn, user_id, name, **options)[1]


#: The user columns a request needs, prefixed so they cannot clash with the token's own.
USER_PREFIX = "u_"
_BY_HASH = select(token).where(token.c.token_hash == bindparam("token_hash"))
_WITH_USER = (
    select(token, *[user.c[name].label(USER_PREFIX + name) for name in CONTEXT_USER_COLUMNS],
           directory_version.version_column().label("directory_version"),
           revision_column().label("revision"))
    .select_from(token.outerjoin(user, user.c.id == token.c.user_id))
    .where(token.c.token_hash == bindparam("token_hash"))
)

_TOKEN_KEYS = tuple(c.name for c in token.c)
_TOKEN_VALUES = itemgetter(*_TOKEN_KEYS)
_USER_VALUES = itemgetter(*[USER_PREFIX + name for name in CONTEXT_USER_COLUMNS])


def _check_secret(secret):
    if not isinstance(secret, str) or not TOKEN_SHAPE.match(secret):
        raise AuthenticationFailed("auth.token.malformed")


def _check_live(row):
    if row is None:
        raise AuthenticationFailed("auth.token.invalid")
    if row["revoked_at"] is not None:
        raise _rejected("auth.token.revoked", row)
    if row["expires_at"] is not None and row["expires_at"] <= utcnow():
        raise _rejected("auth.token.expired", row)
    return row


def authenticate_token(conn, secret):
    """Return the live token row of ``secret`` or raise AuthenticationFailed (malformed, unknown,
    revoked or expired). Whether its user may still act is the caller's check."""
    _check_secret(secret)
    return _check_live(conn.execute(_BY_HASH, {"token_hash": hash_token(secret)}).mappings().first())


def authenticate_token_with_user(conn, secret):
    """Like ``authenticate_token``, in one query that also reads the user, the directory
    version and the published metadata revision.

    Returns (token row, user row or None, directory version, revision). The user row holds
    only the columns a Context needs; whether the user may still act is the caller's check.
    """
    _check_secret(secret)
    row = _check_live(prepared.first(conn, _WITH_USER, {"token_hash": hash_token(secret)}))
    token_row = dict(zip(_TOKEN_KEYS, _TOKEN_VALUES(row)))
    user_row = None
    if row[USER_PREFIX + "id"] is not None:
        user_row = dict(zip(CONTEXT_USER_COLUMNS, _USER_VALUES(row)))
    return token_row, user_row, row["directory_version"], row["revision"]


def _rejected(message, row):
    error = AuthenticationFailed(message)
    error.token_id, error.user_id = row["id"], row["user_id"]
    return error


def touch_token(conn, token_id):
    """Record that the token was used now."""
    conn.execute(update(token).where(token.c.id == token_id).values(last_used_at=utcnow()))


def note_token_used(conn, ctx):
    """Record that ``ctx``'s token was used now, with its ``token.used`` audit entry."""
    touch_token(conn, ctx.token_id)
    audit.record(conn, "token.used", ctx, subject=f"token {ctx.token_id}")


def note_token_rejected(conn, error, ip=None):
    """Audit a revoked or expired token that was presented (``error`` from authentication)."""
    audit.record(conn, "token.rejected", outcome="failure", actor_id=error.user_id, ip=ip,
                 subject=f"token {error.token_id}", details={"reason": error.message})


def token_json(row):
    """The JSON form of a token, without its secret (which is never stored)."""
    return {"id": row["id"], "name": row["name"], "user": row["user_id"], "scope": row["scope"],
            "objects": row["objects"], "created_at": to_json(row["created_at"]),
            "expires_at": to_json(row["expires_at"]), "last_used_at": to_json(row["last_used_at"]),
            "revoked_at": to_json(row["revoked_at"])}


def list_tokens(conn, user_id):
    """Every token of ``user_id``, newest first, revoked ones included."""
    rows = conn.execute(select(token).where(token.c.user_id == user_id).order_by(token.c.id.desc())).mappings()
    return [token_json(row) for row in rows]


def revoke_token(conn, ctx, token_id, *, owner_id=None):
    """Revoke a token (of ``owner_id`` only, when given) and audit it; return its JSON."""
    query = select(token).where(token.c.id == token_id)
    if owner_id is not None:
        query = query.where(token.c.user_id == owner_id)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise DirectoryEntryNotFound("identity.token.not_found", id=token_id)
    if row["revoked_at"] is None:
        conn.execute(update(token).where(token.c.id == token_id).values(revoked_at=utcnow()))
        audit.record(conn, "token.revoked", ctx, subject=f"token {token_id}", details={"user": row["user_id"]})
    return token_json(conn.execute(select(token).where(token.c.id == token_id)).mappings().one())
