"""The administrator right, asked by operations that only administrators may perform."""

from ..errors import PermissionDenied

#: The message of a refusal when no narrower one is given.
ADMIN_ONLY = "only administrators may do this"


def require_admin(ctx, message=ADMIN_ONLY):
    """Raise PermissionDenied with ``message`` unless ``ctx`` holds the administrator right."""
    if ctx is None or not ctx.is_admin:
        raise PermissionDenied(message)
