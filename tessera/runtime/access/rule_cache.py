"""A short-lived cache of compiled sharing-rule conditions.

A rule's SQL depends only on the published revision, the rule and — when its criteria
read ``$user``, ``TODAY()`` or ``NOW()`` — on the acting user and the clock. It never
depends on the user's field rights: criteria are metadata, compiled with every field
visible (``formulas.filter_condition``), so rights need not be part of the key. Entries are
keyed by all of these and live ``TTL`` seconds, so a time-based criterion is never more
than that stale, and parsing and type-checking happen once per rule and user, not per query.
"""

import threading
import time

TTL = 30.0
MAX_ENTRIES = 4096


def user_key(ctx):
    """What ``$user`` can read of ``ctx``."""
    return (ctx.user_id, ctx.username, ctx.team, tuple(ctx.roles), ctx.manager_id, ctx.locale)


class RuleCache:
    """Compiled rule conditions by (revision, rule name, criteria, user), each for TTL seconds."""

    def __init__(self, ttl=TTL, size=MAX_ENTRIES):
        self.ttl, self.size = ttl, size
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, revision, rule, ctx, compile_rule):
        """The condition of ``rule`` for ``ctx``, compiled by ``compile_rule(source)`` when missing."""
        key = (revision, rule["name"], rule["criteria"], user_key(ctx))
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and found[0] > now:
            return found[1]
        condition = compile_rule(rule["criteria"])
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = (now + self.ttl, condition)
        return condition
