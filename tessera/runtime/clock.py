"""Time as the runtime sees it: a callable returning an aware UTC datetime.

A Runtime takes its clock as a parameter so that tests (and demos) can freeze and
advance time; everything that decides "is it due yet" asks that clock.
"""

from datetime import datetime, timedelta, timezone


def utc_now():
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def naive_utc(moment):
    """``moment`` as the naive UTC datetime every stored datetime is; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class FrozenClock:
    """A clock that stands still until told to move: ``clock()``, ``clock.advance(minutes=5)``."""

    def __init__(self, at=None):
        self.now = at or utc_now()
        if self.now.tzinfo is None:
            self.now = self.now.replace(tzinfo=timezone.utc)

    def __call__(self):
        """The frozen time, aware, in UTC."""
        return self.now

    def advance(self, delta=None, **parts):
        """Move the clock forward by ``delta`` or by ``timedelta(**parts)``; return the new time."""
        self.now += delta if delta is not None else timedelta(**parts)
        return self.now
