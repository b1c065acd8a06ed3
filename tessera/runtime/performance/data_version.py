"""The performance data version: one counter row every write of targets, scheme assignments
and KPI adjustments moves on, in its own transaction (see ``board_cache``)."""

from ..identity import version as counters

PERFORMANCE_COUNTER = "tessera:performance"


def bump(conn):
    """Move the performance data version on by one, inside the caller's write transaction."""
    counters.bump(conn, PERFORMANCE_COUNTER)


def version_column():
    """A scalar subquery giving the current performance data version."""
    return counters.version_column(PERFORMANCE_COUNTER)
