"""Exceptions raised by the runtime when a record operation cannot go ahead.

Each carries a message code with parameters (``tessera/runtime/locales``); the reader's
locale is chosen when the problem document is built.
"""

from tessera.i18n import as_message


class RuntimeFailure(Exception):
    """Base class: a stable ``code``, an HTTP-like ``status`` and errors keyed by field path.

    ``message`` is a message code (rendered with ``params``) or a Message; ``errors`` maps
    a field path to a list of messages.
    """

    code = "runtime_error"
    status = 400

    def __init__(self, message, *, errors=None, **params):
        self.message = as_message(message, **params)
        super().__init__(self.message)
        self.errors = {path: as_message(list(messages)) for path, messages in (errors or {}).items()}


class ObjectNotFound(RuntimeFailure):
    """No published object has that name (or the actor may not know it exists)."""

    code = "object_not_found"
    status = 404


class RecordNotFound(RuntimeFailure):
    """No record with that id exists, or the actor cannot see it."""

    code = "record_not_found"
    status = 404


class RecordInvalid(RuntimeFailure):
    """The input does not fit the object's fields; ``errors`` names each field."""

    code = "validation_failed"
    status = 422


class StaleVersion(RuntimeFailure):
    """The record changed since the client read it."""

    code = "stale_version"
    status = 409


class RecordInUse(RuntimeFailure):
    """Other records still refer to this one through a restricting lookup."""

    code = "record_in_use"
    status = 409


class PermissionDenied(RuntimeFailure):
    """The actor may not do this."""

    code = "permission_denied"
    status = 403


class InvalidQuery(RuntimeFailure):
    """A list query names an unknown field, a bad sort, a bad cursor or a bad filter value."""

    code = "invalid_query"
    status = 400


class AuthenticationFailed(RuntimeFailure):
    """Credentials are missing, wrong, expired or revoked."""

    code = "unauthenticated"
    status = 401


class ConflictingValue(RuntimeFailure):
    """A unique field already holds that value in another record."""

    code = "unique_violation"
    status = 409


# Identity, permissions and sharing (raised by the identity, access and records rooms)

class LoginThrottled(RuntimeFailure):
    """Too many failed logins for this user or from this address; ``retry_after`` is in seconds."""

    code = "login_throttled"
    status = 429

    def __init__(self, message, *, retry_after):
        super().__init__(message, seconds=retry_after)
        self.retry_after = retry_after


class LoginFailed(AuthenticationFailed):
    """The username or password is wrong, or the user may not log in (one message for all)."""


class FieldAccessDenied(PermissionDenied):
    """A field the actor may not read or edit was named in a query or a write."""

    code = "field_access_denied"


#: The message of every "administrators only" refusal.
ADMIN_REQUIRED = "access.admin_required"


class AdminRequired(PermissionDenied):
    """Only an administrator may do this (one message wherever the check is made)."""

    def __init__(self):
        super().__init__(ADMIN_REQUIRED)


class ScopeExceeded(PermissionDenied):
    """The API token's scope does not cover this request (read-only, or another object)."""

    code = "token_scope_exceeded"


class DirectoryEntryNotFound(RuntimeFailure):
    """No user, team, role or token with that id or name."""

    code = "not_found"
    status = 404


class DirectoryConflict(RuntimeFailure):
    """The change would break the directory: a taken name, a cycle, an entry still in use."""

    code = "directory_conflict"
    status = 409


# Readiness (raised by Runtime.readiness)

class ServiceUnavailable(RuntimeFailure):
    """A service Tessera needs does not answer; ``retry_after`` says when to ask again (seconds)."""

    code = "service_unavailable"
    status = 503

    def __init__(self, message, *, retry_after=5):
        super().__init__(message)
        self.retry_after = retry_after


class DatabaseUnavailable(ServiceUnavailable):
    """The database does not answer."""

    code = "database_unavailable"


class DatabaseBusy(ServiceUnavailable):
    """Every pooled connection, or the database's write lock, stayed busy past its timeout."""

    code = "database_busy"


# Performance (raised by the performance room)

class InvalidPeriod(InvalidQuery):
    """A period id, type or year that does not name a period."""

    code = "invalid_period"


class ScorecardNotFound(RuntimeFailure):
    """No scorecard, leaderboard or scheme by that name the actor may see (also when it
    exists but belongs to someone the actor may not watch: 404, never 403)."""

    code = "not_found"
    status = 404


class KpiNotFound(RuntimeFailure):
    """No published KPI has that name."""

    code = "kpi_not_found"
    status = 404


class PerformanceRightRequired(PermissionDenied):
    """Only a holder of the ``manage_performance`` right (or an administrator) may do this."""

    def __init__(self):
        super().__init__("access.manage_performance_required")


class PerformanceInputInvalid(RecordInvalid):
    """A target, assignment or adjustment that does not fit; ``errors`` names each field."""


class PerformanceEntryNotFound(RuntimeFailure):
    """No target, scheme assignment or KPI adjustment with that id (or not one the actor may see)."""

    code = "not_found"
    status = 404


class AdjustmentNotAdditive(RuntimeFailure):
    """Adjustments count only in KPIs whose measure adds up (SUM, COUNT)."""

    code = "adjustment_not_additive"
    status = 422


class AssignmentOverlap(RuntimeFailure):
    """The person is already assigned to that scheme for part of the dates asked."""

    code = "assignment_overlap"
    status = 409


class JobNotFound(RuntimeFailure):
    """No background job has that id."""

    code = "job_not_found"
    status = 404


class JobInProgress(RuntimeFailure):
    """A job of the same kind (one publish at a time) is already queued or running."""

    code = "job_in_progress"
    status = 409


# Approvals (raised by the approvals room)

class ApprovalNotFound(RuntimeFailure):
    """No approval request by that id (or for that record) that the actor may see."""

    code = "not_found"
    status = 404


class NotAnApprover(PermissionDenied):
    """The actor holds no pending work item of the request's current step (or may not do this to it)."""

    code = "not_an_approver"


class EntryCriteriaNotMet(RuntimeFailure):
    """No active flow of the object accepts the record (its entry criteria are false)."""

    code = "entry_criteria_not_met"
    status = 422


class ApprovalFlowInvalid(RuntimeFailure):
    """The flow cannot run for this record: an unknown role or team, no approver found, a failing action."""

    code = "approval_flow_invalid"
    status = 422


class ApprovalConflict(RuntimeFailure):
    """A state conflict of an approval request; every such conflict answers 409."""

    status = 409


class ApprovalNotPending(ApprovalConflict):
    """The request is no longer pending (approved, rejected or recalled)."""

    code = "approval_not_pending"


class AlreadyDecided(ApprovalConflict):
    """The work item was already decided (by its approver, a reassignment or the step's end)."""

    code = "already_decided"


class AlreadyPending(ApprovalConflict):
    """The record already has a pending approval request."""

    code = "already_pending"


class StaleApproval(ApprovalConflict):
    """Another transition of the same request committed first."""

    code = "stale_approval"


class RecordLocked(ApprovalConflict):
    """The record is locked by an approval request."""

    code = "record_locked"


class IdempotencyKeyReused(RuntimeFailure):
    """The Idempotency-Key was already used by the caller for another request."""

    code = "idempotency_key_reused"
    status = 422


class ImportInvalid(RuntimeFailure):
    """An import cannot start: its file, format, mapping or options are wrong (nothing written)."""

    code = "import_invalid"
    status = 422


class ImportNotFound(RuntimeFailure):
    """No import has that id, or it is not the reader's."""

    code = "import_not_found"
    status = 404


# Feedback (raised by the feedback room)

class FeedbackNotFound(RuntimeFailure):
    """No feedback entry by that id that the actor may see (its author's and administrators')."""

    code = "not_found"
    status = 404
