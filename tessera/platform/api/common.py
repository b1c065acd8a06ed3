"""What the API views share: the runtime of the app and the acting context."""

from flask import current_app, g

from tessera.runtime.errors import PermissionDenied


def runtime():
    """The Runtime of the current app."""
    return current_app.extensions["tessera"]


def ctx():
    """The Context of the authenticated caller."""
    return g.ctx


def require_admin():
    """Raise PermissionDenied unless the caller is an administrator."""
    if not g.ctx.is_admin:
        raise PermissionDenied("api.admin_only.metadata")


def comma_list(text):
    """Split ``a,b , c`` into ["a", "b", "c"]; None for an absent parameter."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]
