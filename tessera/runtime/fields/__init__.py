"""Field types at run time: how a value is stored, loaded from input, checked and written out.

A plugin adds a type by subclassing ``FieldType`` and returning instances from its
``tessera_register_field_types`` hook (see docs/plugins.md).
"""

from .fieldtype import FieldType

__all__ = ["FieldType"]
