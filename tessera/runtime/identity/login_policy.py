"""How many failed logins are tolerated, and how long a browser session lives."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class LoginPolicy:
    """Limits for password logins and browser sessions (the app sets them from its settings).

    ``failures_per_user`` failed logins for one username, or ``failures_per_address``
    from one address, inside ``failure_window`` lock further attempts until the oldest
    of them leaves the window. A session ends ``session_lifetime`` after login in any
    case, or after ``session_idle_timeout`` without use.
    """

    failures_per_user: int = 5
    failures_per_address: int = 20
    failure_window: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)
    session_idle_timeout: timedelta = timedelta(hours=2)


DEFAULT_POLICY = LoginPolicy()
