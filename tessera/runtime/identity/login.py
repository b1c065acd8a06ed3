"""Password login: throttled, audited, answering every failure with the same message."""

from tessera.metadata.store import utcnow

from ..audit import log as audit
from .users import find_user
from .passwords import verify_password
from .principal import context_for_user
from ..errors import LoginFailed, LoginThrottled
from .sessions import close_session, open_session
from .throttle import check_allowed, note_attempt

FAILED = "auth.login.failed"


def _reason(row, password_ok):
    if row is None:
        return "unknown_user"
    if not password_ok:
        return "wrong_password"
    if not row["active"]:
        return "deactivated"
    return None


def _attempt(conn, runtime, username, password, ip):
    now = utcnow()
    shown = username if isinstance(username, str) else None
    try:
        check_allowed(conn, username, ip, now, runtime.login_policy)
    except LoginThrottled as error:
        audit.record(conn, "login.failed", outcome="failure", ip=ip, subject=shown, details={"reason": "throttled"})
        return error
    row = find_user(conn, username)
    reason = _reason(row, verify_password(row["password_hash"] if row else None, password))
    note_attempt(conn, username, ip, reason is None, now, runtime.login_policy)
    if reason is not None:
        audit.record(conn, "login.failed", outcome="failure", ip=ip, subject=shown, details={"reason": reason},
                     actor_id=row["id"] if row else None)
        return LoginFailed(FAILED)
    session_id, secret, csrf = open_session(conn, row["id"], ip, runtime.login_policy)
    ctx = context_for_user(conn, runtime.model(conn), row["id"], session_id=session_id, ip=ip)
    audit.record(conn, "login.succeeded", ctx, subject=row["username"], details={"session": session_id})
    return ctx, secret, csrf


def log_in(runtime, username, password, ip=None):
    """Check a username and password and open a session; return (Context, cookie secret, CSRF token).

    Raises LoginFailed (wrong password, unknown or deactivated user, all alike) or
    LoginThrottled; the attempt and its audit entry are committed either way.
    """
    with runtime.write() as conn:
        outcome = _attempt(conn, runtime, username, password, ip)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def log_out(runtime, ctx):
    """End the browser session ``ctx`` came with (if any) and audit the logout, together."""
    if ctx.session_id is None:
        return
    with runtime.write() as conn:
        close_session(conn, ctx.session_id)
        audit.record(conn, "logout", ctx, subject=ctx.username)
