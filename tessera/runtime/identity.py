"""Users and API tokens: tokens are random, shown once and stored only as a SHA-256 hash."""

import hashlib
import secrets

from sqlalchemy import insert, select, update

from tessera.metadata.store import utcnow

from .context import Context
from .errors import AuthenticationFailed, RecordInvalid
from .systables import token, user

TOKEN_PREFIX = "tsr_"


def hash_token(secret):
    """The stored form of a token: its SHA-256 hex digest (tokens carry 256 random bits)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_user(conn, username, *, display_name=None, email=None, is_admin=False, locale="en"):
    """Create a user and return its id; a taken username raises RecordInvalid."""
    if conn.execute(select(user.c.id).where(user.c.username == username)).first():
        raise RecordInvalid(f'user "{username}" already exists', errors={"username": ["already taken"]})
    row = {"username": username, "display_name": display_name or username, "email": email,
           "is_admin": is_admin, "active": True, "locale": locale, "created_at": utcnow()}
    return conn.execute(insert(user).returning(user.c.id), [row]).scalar_one()


def find_user(conn, username):
    """Return the user row called ``username`` or None."""
    return conn.execute(select(user).where(user.c.username == username)).mappings().first()


def create_token(conn, user_id, name="cli"):
    """Create a token for ``user_id``; return the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    conn.execute(insert(token).values(user_id=user_id, token_hash=hash_token(secret), name=name,
                                      created_at=utcnow()))
    return secret


def authenticate_token(conn, secret):
    """Return the Context of the active user owning the live token ``secret``."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise AuthenticationFailed("the bearer token is malformed")
    query = (
        select(token.c.id.label("token_id"), token.c.revoked_at, user)
        .join(user, user.c.id == token.c.user_id)
        .where(token.c.token_hash == hash_token(secret))
    )
    row = conn.execute(query).mappings().first()
    if row is None or row["revoked_at"] is not None:
        raise AuthenticationFailed("the bearer token is not valid")
    if not row["active"]:
        raise AuthenticationFailed("this user is deactivated")
    return Context(user_id=row["id"], username=row["username"], is_admin=row["is_admin"],
                   locale=row["locale"], token_id=row["token_id"])


def touch_token(conn, token_id):
    """Record that the token was used now."""
    conn.execute(update(token).where(token.c.id == token_id).values(last_used_at=utcnow()))
