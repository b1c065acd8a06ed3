"""The built-in field types, registered as a plugin's types are."""

from tessera.runtime.fields.builtin import BUILTIN_TYPES

from ..hookspecs import hookimpl


@hookimpl
def tessera_register_field_types():
    """Every built-in field type (text, number, lookup, ...)."""
    return list(BUILTIN_TYPES)
