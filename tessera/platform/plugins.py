"""The plugin manager: pluggy, discovering plugins in the ``tessera.plugins`` entry points.

Tessera's own field types come from default plugins (``default_plugins``) through the same
hooks, so a built-in and a plugin type are registered alike. What the plugins offer is
collected per manager: each app gets its own field type registry; formula functions live
in the formula language's one registry, so installing a manager's functions first removes
those a previous manager installed.
"""

import pluggy

from tessera.formula import register_function, unregister_function
from tessera.i18n import register_catalog
from tessera.metadata.fieldtype_registry import FieldTypeRegistry

from . import hookspecs
from .default_plugins import DEFAULT_PLUGINS

_installed_functions = []


def make_plugin_manager(extra_plugins=()):
    """Return a PluginManager with the default plugins, the entry-point plugins and ``extra_plugins``."""
    manager = pluggy.PluginManager("tessera")
    manager.add_hookspecs(hookspecs)
    for plugin in DEFAULT_PLUGINS:
        manager.register(plugin)
    manager.load_setuptools_entrypoints("tessera.plugins")
    for plugin in extra_plugins:
        manager.register(plugin)
    return manager


def field_types_of(manager):
    """A new FieldTypeRegistry of every field type the manager's plugins offer.

    Two plugins offering one name is an error (ValueError names it), never a silent choice.
    """
    registry = FieldTypeRegistry()
    for offered in reversed(manager.hook.tessera_register_field_types()):  # default plugins first
        for field_type in offered or ():
            registry.register(field_type)
    return registry


def install_formula_functions(manager):
    """Make the formula functions of the manager's plugins (and no earlier manager's) known."""
    while _installed_functions:
        unregister_function(_installed_functions.pop())
    for offered in manager.hook.tessera_register_formula_functions():
        for spec in offered or ():
            _installed_functions.append(register_function(spec))


def install_catalogs(manager):
    """Make the message catalogs of the manager's plugins known (a directory once)."""
    for offered in manager.hook.tessera_register_catalogs():
        for directory in offered or ():
            register_catalog(directory)


def _offered(results, what, reserved=()):
    """``{name: thing}`` merged from the dicts a registering hook returned; a name offered
    twice (or a ``reserved`` one) is an error: ValueError naming ``what`` and the name."""
    found = {}
    for offered in results:
        for name, thing in (offered or {}).items():
            if name in found or name in reserved:
                raise ValueError(f"{what} {name!r} is offered by two plugins")
            found[name] = thing
    return found


def timer_handlers_of(manager):
    """``{kind: handler}`` of the timer kinds the manager's plugins offer; a kind offered twice
    is an error (ValueError names it)."""
    return _offered(manager.hook.tessera_register_timer_kinds(), "timer kind")


def event_listeners_of(manager):
    """``{name: listener}`` of the event listeners the manager's plugins offer; a name offered
    twice is an error (ValueError names it)."""
    return _offered(manager.hook.tessera_register_event_listeners(), "event listener")


def automation_actions_of(manager):
    """``{name: action}`` of the automation actions the manager's plugins offer; a name offered
    twice is an error (ValueError names it)."""
    return _offered(manager.hook.tessera_register_automation_actions(), "automation action")


class PluginRecordHooks:
    """A record lifecycle listener calling the plugins' ``tessera_record_*`` hooks; it has a
    method only for the stages some plugin implements, so the others cost nothing."""

    def __init__(self, hook):
        for stage in ("before_save", "after_save", "before_delete", "after_delete"):
            caller = getattr(hook, f"tessera_record_{stage}")
            if caller.get_hookimpls():
                setattr(self, stage, _stage_caller(caller))


def _stage_caller(caller):
    def call(runtime, conn, ctx, obj, record, *prior):
        extra = {"prior": prior[0]} if prior else {}
        caller(runtime=runtime, conn=conn, ctx=ctx, object_name=obj.name, record=record, **extra)
    return call


def approver_resolvers_of(manager):
    """``{name: resolver}`` of the approver resolvers the manager's plugins offer; a name offered
    twice is an error (ValueError names it)."""
    return _offered(manager.hook.tessera_register_approver_resolvers(), "approver resolver")


def assignment_strategies_of(manager):
    """``{name: strategy}`` of the assignment strategies the manager's plugins offer; a name offered
    twice is an error (ValueError names it)."""
    return _offered(manager.hook.tessera_register_assignment_strategies(), "assignment strategy")


def notification_channels_of(manager):
    """``{name: channel}`` of the notification channels the manager's plugins offer (the default
    plugins' first); a name offered twice, or ``in_app``, is an error (ValueError names it)."""
    return _offered(reversed(manager.hook.tessera_register_notification_channels()), "notification channel",
                    reserved=("in_app",))


def runtime_options_of(manager):
    """Runtime keyword arguments carrying what the manager's plugins offer to a runtime."""
    return {"field_types": field_types_of(manager), "timer_handlers": timer_handlers_of(manager),
            "event_listeners": event_listeners_of(manager), "approver_resolvers": approver_resolvers_of(manager),
            "assignment_strategies": assignment_strategies_of(manager),
            "automation_actions": automation_actions_of(manager), "record_listeners": [PluginRecordHooks(manager.hook)],
            "notification_channels": notification_channels_of(manager)}


def plugged_runtime_options(extra_plugins=()):
    """Runtime keyword arguments carrying what the plugins offer (for the CLI's runtimes)."""
    manager = make_plugin_manager(extra_plugins)
    install_formula_functions(manager)
    install_catalogs(manager)
    return runtime_options_of(manager)
