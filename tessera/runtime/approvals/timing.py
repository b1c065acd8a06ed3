"""Due times and decisions of a step: pure functions of their inputs."""

import math
from datetime import datetime, timedelta

#: The due time of a work item whose step sets none: sorts after every real due time (the
#: inbox's keyset order is then the same on SQLite and PostgreSQL); answered as null.
NO_DUE = datetime(9999, 12, 31)
SATURDAY = 5


def add_business_days(start, days):
    """``start`` moved forward by ``days`` weekdays (Saturdays and Sundays are skipped), same time of day."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            days -= 1
    return current


def due_at(duration, now):
    """When a work item created at ``now`` falls due under ``duration`` ({"hours": n} or
    {"business_days": n}); NO_DUE without one."""
    if not duration:
        return NO_DUE
    if "hours" in duration:
        return now + timedelta(hours=duration["hours"])
    return add_business_days(now, duration["business_days"])


def needed(decision, approvers):
    """How many approvals out of ``approvers`` settle a step approved under ``decision``."""
    if decision == "first":
        return 1
    if decision == "all":
        return approvers
    if "ratio" in decision:
        return max(1, math.ceil(decision["ratio"] * approvers - 1e-9))
    return min(decision["count"], approvers)


def outcome(decision, statuses):
    """"approved", "rejected" or None (still open) for a step whose counted work items have ``statuses``.

    ``first``: the first answer decides. ``all``: every approver approves, one rejection
    rejects. A quorum (ratio or count) is approved when reached and rejected as soon as
    it can no longer be reached.
    """
    total = len(statuses)
    approved, rejected = statuses.count("approved"), statuses.count("rejected")
    if decision == "first" and (approved or rejected):
        return "approved" if approved else "rejected"
    wanted = needed(decision, total)
    if approved >= wanted:
        return "approved"
    if rejected > total - wanted:
        return "rejected"
    return None
