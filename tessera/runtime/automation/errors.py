"""The automation room's typed errors."""

from ..errors import RuntimeFailure


class AutomationLoop(RuntimeFailure):
    """A chain of automations went deeper than the configured limit; nothing it wrote is kept."""

    code = "automation_loop"
    status = 422


class AutomationFailed(RuntimeFailure):
    """A rule's action cannot run as written (an unknown action, a plugin action missing)."""

    code = "automation_failed"
    status = 422
