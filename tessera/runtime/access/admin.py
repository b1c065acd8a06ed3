"""The administrator right, asked by operations that only administrators may perform."""

from ..errors import AdminRequired


def require_admin(ctx):
    """Raise AdminRequired (one message everywhere) unless ``ctx`` holds the administrator right."""
    if ctx is None or not ctx.is_admin:
        raise AdminRequired()
