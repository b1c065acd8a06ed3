"""The administrator right, asked by operations that only administrators may perform."""

from ..errors import AdminRequired, PerformanceRightRequired


def require_admin(ctx):
    """Raise AdminRequired (one message everywhere) unless ``ctx`` holds the administrator right."""
    if ctx is None or not ctx.is_admin:
        raise AdminRequired()


def manages_performance(ctx):
    """True when ``ctx`` holds the ``manage_performance`` right (administrators do)."""
    if ctx is None:
        return False
    return bool(ctx.is_admin or getattr(ctx.rights, "manage_performance", False))


def require_performance_manager(ctx):
    """Raise PerformanceRightRequired (403) unless ``ctx`` holds the ``manage_performance`` right."""
    if not manages_performance(ctx):
        raise PerformanceRightRequired()
