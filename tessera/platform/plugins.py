"""The plugin manager: pluggy, discovering plugins in the ``tessera.plugins`` entry points."""

import pluggy

from tessera.metadata.fieldtypes import FIELD_TYPES, register_field_type

from . import hookspecs


def make_plugin_manager(extra_plugins=()):
    """Return a PluginManager with the entry-point plugins and ``extra_plugins`` loaded."""
    manager = pluggy.PluginManager("tessera")
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints("tessera.plugins")
    for plugin in extra_plugins:
        manager.register(plugin)
    return manager


def install_field_types(manager):
    """Register every field type the plugins offer (once per name)."""
    for specs in manager.hook.tessera_register_field_types():
        for spec in specs or ():
            if spec.name not in FIELD_TYPES:
                register_field_type(spec)
