"""Browser sessions: a random secret in an HttpOnly cookie, stored hashed, with a CSRF token.

A session ends at logout, after the policy's idle timeout without use, after its lifetime
in any case (see ``LoginPolicy``), or as soon as its user is deactivated.
"""

import hmac
import secrets
from sqlalchemy import insert, select, update

from tessera.metadata.store import utcnow

from ..schema.system_tables import web_session
from ..errors import AuthenticationFailed
from .login_policy import DEFAULT_POLICY
from .tokens import hash_token

SECRET_BYTES = 32


def open_session(conn, user_id, ip=None, policy=DEFAULT_POLICY):
    """Start a session; return (session id, cookie secret, CSRF token). Only the hash is stored."""
    secret, csrf = secrets.token_urlsafe(SECRET_BYTES), secrets.token_urlsafe(SECRET_BYTES)
    now = utcnow()
    values = {"secret_hash": hash_token(secret), "csrf_token": csrf, "user_id": user_id, "ip": ip,
              "created_at": now, "expires_at": now + policy.session_lifetime, "last_seen_at": now}
    session_id = conn.execute(insert(web_session).returning(web_session.c.id), [values]).scalar_one()
    return session_id, secret, csrf


def find_session(conn, secret, policy=DEFAULT_POLICY):
    """Return the live session row of cookie ``secret`` or raise AuthenticationFailed."""
    row = None
    if isinstance(secret, str) and 20 <= len(secret) <= 100:
        row = conn.execute(select(web_session).where(web_session.c.secret_hash == hash_token(secret))).mappings().first()
    now = utcnow()
    if row is None or row["revoked_at"] is not None or row["expires_at"] <= now \
            or (row["last_seen_at"] or row["created_at"]) + policy.session_idle_timeout <= now:
        raise AuthenticationFailed("auth.session.ended")
    return row


def csrf_matches(session_row, presented):
    """True when ``presented`` equals the session's CSRF token (compared in constant time)."""
    return isinstance(presented, str) and hmac.compare_digest(presented.encode(), session_row["csrf_token"].encode())


def touch_session(conn, session_id):
    """Record that the session was used now (keeps it from idling out)."""
    conn.execute(update(web_session).where(web_session.c.id == session_id).values(last_seen_at=utcnow()))


def close_session(conn, session_id):
    """End a session now (logout)."""
    conn.execute(update(web_session).where(web_session.c.id == session_id, web_session.c.revoked_at.is_(None))
                 .values(revoked_at=utcnow()))
