"""Why an assignment, a claim from a lead pool or an automation rule cannot go ahead."""

from ..errors import PermissionDenied, RuntimeFailure


class AssignmentFailed(RuntimeFailure):
    """An assignment names no known strategy, or is not shaped as one strategy with its parameters."""

    code = "assignment_failed"
    status = 422


class PoolNotFound(RuntimeFailure):
    """No published lead pool has that name."""

    code = "pool_not_found"
    status = 404


class NotPoolMember(PermissionDenied):
    """The caller is not one of the pool's members."""

    code = "not_pool_member"


class ClaimLimitReached(RuntimeFailure):
    """The caller already holds as many records from the pool as its claim limit allows."""

    code = "claim_limit_reached"
    status = 409


class AlreadyClaimed(RuntimeFailure):
    """Someone claimed the record first."""

    code = "already_claimed"
    status = 409


class NotInPool(RuntimeFailure):
    """The record is not waiting in that pool."""

    code = "not_in_pool"
    status = 404


class PoolEmpty(RuntimeFailure):
    """No record is waiting in the pool."""

    code = "pool_empty"
    status = 404


class AutomationLoop(RuntimeFailure):
    """A chain of automations went deeper than the configured limit; nothing it wrote is kept."""

    code = "automation_loop"
    status = 422


class AutomationFailed(RuntimeFailure):
    """A rule's action cannot run as written (an unknown action, a plugin action missing)."""

    code = "automation_failed"
    status = 422
