"""Exceptions of identity, permissions and sharing (the general ones live in ``errors``)."""

from .errors import AuthenticationFailed, PermissionDenied, RuntimeFailure


class LoginThrottled(RuntimeFailure):
    """Too many failed logins for this user or from this address; ``retry_after`` is in seconds."""

    code = "login_throttled"
    status = 429

    def __init__(self, message, *, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


class LoginFailed(AuthenticationFailed):
    """The username or password is wrong, or the user may not log in (one message for all)."""


class FieldAccessDenied(PermissionDenied):
    """A field the actor may not read or edit was named in a query or a write."""

    code = "field_access_denied"


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
