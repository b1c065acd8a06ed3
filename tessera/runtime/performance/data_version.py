"""The performance data version: one counter row every write of targets, scheme assignments
and KPI adjustments moves on, in its own transaction (see ``board_cache``)."""

from ..identity import version as counters

PERFORMANCE_COUNTER = "tessera:performance"
_BUMPED = "tessera_performance_bumped"  # in a connection's info: the transaction that bumped


def bump(conn):
    """Move the performance data version on by one, inside the caller's write transaction;
    once per transaction (an import of 10 000 targets moves it once, not 10 000 times)."""
    transaction = conn.get_transaction()
    if transaction is not None and conn.info.get(_BUMPED) is transaction:
        return
    counters.bump(conn, PERFORMANCE_COUNTER)
    conn.info[_BUMPED] = transaction


def version_column():
    """A scalar subquery giving the current performance data version."""
    return counters.version_column(PERFORMANCE_COUNTER)
