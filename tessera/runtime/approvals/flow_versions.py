"""The published versions of a flow with how many requests run (and ran) on each.

Requests stay pinned to the version they were submitted on, so before republishing a
flow an administrator wants to know what still runs on the older versions. The counts
come from one grouped query over the ``(flow, flow_version, status)`` index: its cost
grows with the number of versions and statuses, never with a scan of the requests.
"""

from sqlalchemy import func, select

from tessera.metadata import store
from tessera.metadata.errors import DocumentNotFound
from tessera.metadata.names import IDENTIFIER

from ..fields.serialize import to_json
from .tables import approval

KIND = "approval_flow"
FINISHED = ("approved", "rejected", "recalled")


def status_counts(conn, flow_name):
    """{version: {status: count}} of the requests of ``flow_name``."""
    query = (select(approval.c.flow_version, approval.c.status, func.count())
             .where(approval.c.flow == flow_name)
             .group_by(approval.c.flow_version, approval.c.status))
    counts = {}
    for version, status, count in conn.execute(query):
        counts.setdefault(version, {})[status] = count
    return counts


def _version_json(row, counts, current):
    by_status = {status: counts.get(status, 0) for status in ("pending", *FINISHED)}
    return {"version": row["version"], "revision": row["revision"], "published_at": to_json(row["published_at"]),
            "current": row["version"] == current, "deleted": row["body"] is None,
            "pending": by_status["pending"], "finished": sum(by_status[s] for s in FINISHED),
            "counts": by_status}


def flow_versions(conn, flow_name):
    """The flow's published versions, newest first, each with its request counts:
    ``[{"version", "revision", "published_at", "current", "deleted", "pending", "finished",
    "counts": {status: n}}]``. Raises DocumentNotFound for a flow never saved."""
    if not IDENTIFIER.fullmatch(flow_name):  # no flow can bear it: nothing to look up
        raise DocumentNotFound("metadata.document.none", kind=KIND, name=flow_name)
    history = store.published_history(conn, KIND, flow_name)
    if not history:
        store.get_document(conn, KIND, flow_name)  # a draft never published: no versions yet
        return []
    counts = status_counts(conn, flow_name)
    current = history[-1]["version"] if history[-1]["body"] is not None else None
    return [_version_json(row, counts.get(row["version"], {}), current) for row in reversed(history)]
