"""Login throttling: failed attempts are counted per username and per address in the database,
so every process sees the same counts."""

from datetime import timedelta

from sqlalchemy import delete, func, insert, select

from ..schema.system_tables import login_attempt
from .login_policy import DEFAULT_POLICY
from ..errors import LoginThrottled

#: Attempts older than this are forgotten at the user's next successful login (at least the window).
KEEP = timedelta(days=1)


def throttle_key(username):
    """The form of a username attempts are counted under (case-insensitive, bounded)."""
    return (username if isinstance(username, str) else "").strip().lower()[:150]


def _retry_after(conn, condition, limit, window, now):
    times = conn.execute(select(login_attempt.c.at).where(condition).order_by(login_attempt.c.at.desc())
                         .limit(limit)).scalars().all()
    if len(times) < limit:
        return None
    return max(1, int((times[-1] + window - now).total_seconds()) + 1)


def _user_condition(conn, key, window, now):
    last_success = conn.execute(select(func.max(login_attempt.c.at)).where(
        login_attempt.c.username == key, login_attempt.c.succeeded.is_(True))).scalar_one()
    since = max(now - window, last_success) if last_success else now - window
    return (login_attempt.c.username == key) & login_attempt.c.succeeded.is_(False) & (login_attempt.c.at > since)


def check_allowed(conn, username, ip, now, policy=DEFAULT_POLICY):
    """Raise LoginThrottled when too many recent attempts failed for this user or from ``ip``.

    Failures count for ``policy.failure_window``; a successful login clears the user's count.
    """
    window = policy.failure_window
    wait = _retry_after(conn, _user_condition(conn, throttle_key(username), window, now),
                        policy.failures_per_user, window, now)
    if wait is None and ip:
        by_ip = (login_attempt.c.ip == ip) & login_attempt.c.succeeded.is_(False) & (login_attempt.c.at > now - window)
        wait = _retry_after(conn, by_ip, policy.failures_per_address, window, now)
    if wait is not None:
        raise LoginThrottled("auth.login.throttled", retry_after=wait)


def note_attempt(conn, username, ip, succeeded, now, policy=DEFAULT_POLICY):
    """Remember one attempt; a success also forgets the user's attempts older than a day
    (or than the failure window, when that is longer)."""
    key = throttle_key(username)
    conn.execute(insert(login_attempt).values(username=key, ip=ip, succeeded=succeeded, at=now))
    if succeeded:
        keep = max(KEEP, policy.failure_window)
        conn.execute(delete(login_attempt).where(login_attempt.c.username == key, login_attempt.c.at < now - keep))
