"""Plugin hooks. Plugins implement these with ``tessera.platform.hookimpl``."""

import pluggy

hookspec = pluggy.HookspecMarker("tessera")
hookimpl = pluggy.HookimplMarker("tessera")


@hookspec
def tessera_register_field_types():
    """Return a list of field types (``tessera.runtime.fields.FieldType`` instances) for the app."""


@hookspec
def tessera_register_formula_functions():
    """Return a list of ``tessera.formula.FunctionSpec`` to add to the formula language."""


@hookspec
def tessera_register_catalogs():
    """Return directories of message catalogs (``<locale>.json``) holding a plugin's own codes."""


@hookspec
def tessera_register_timer_kinds():
    """Return ``{kind: handler}``: ``handler(runtime, conn, timer)`` fires the durable timers of ``kind``."""


@hookspec
def tessera_register_event_listeners():
    """Return ``{name: listener}``: ``listener(runtime, event)`` gets every event at least once, in order per record."""


@hookspec
def tessera_register_automation_actions():
    """Return ``{name: action}``: ``action(run, spec)`` runs inside an automation rule's transaction (docs/automation.md)."""


@hookspec
def tessera_record_before_save(runtime, conn, ctx, object_name, record, prior):
    """Called in the write's transaction before a record is stored; may change ``record``, raise to refuse."""


@hookspec
def tessera_record_after_save(runtime, conn, ctx, object_name, record, prior):
    """Called in the write's transaction after a record was stored (``prior`` is None on create)."""


@hookspec
def tessera_record_before_delete(runtime, conn, ctx, object_name, record):
    """Called in the delete's transaction before a record is deleted; raise to refuse."""


@hookspec
def tessera_record_after_delete(runtime, conn, ctx, object_name, record):
    """Called in the delete's transaction after a record was deleted."""


@hookspec
def tessera_register_approver_resolvers():
    """Return ``{name: resolver}``: ``resolver(conn, request, params)`` returns the user ids approving a step."""


@hookspec
def tessera_register_assignment_strategies():
    """Return ``{name: strategy}``: ``strategy(call)`` names the owner an assignment ``{name: params}`` gives a record."""


@hookspec
def tessera_register_notification_channels():
    """Return ``{name: channel}``: notification channels (``available``, ``reaches``, ``send``; see docs/notifications.md)."""


@hookspec
def tessera_register_routes(app):
    """Add routes or blueprints to the Flask app."""


@hookspec
def tessera_startup(app):
    """Run once when an app has been created."""


@hookspec
def tessera_cli_commands():
    """Return click commands to add to the ``tessera`` command."""
