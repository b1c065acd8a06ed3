"""Which field types are in force: a registry per runtime, active while it works.

Each ``Runtime`` owns a ``FieldTypeRegistry`` (built from the plugins of its app) and makes
it active for the duration of its transactions, so two apps in one process never see each
other's types. Outside any runtime (pure metadata work, such as computing a plan in a
test) the built-in types are in force.
"""

from contextvars import ContextVar

from tessera.i18n import Message

from .builtin_types import BUILTIN_DESCRIPTIONS
from .errors import FieldTypeMissing


class FieldTypeRegistry:
    """The field types of one app, by name; built-in and plugin types alike."""

    def __init__(self, field_types=()):
        self._types = {}
        for field_type in field_types:
            self.register(field_type)

    def register(self, field_type):
        """Add ``field_type``; a name already taken raises ValueError."""
        if not field_type.name or field_type.name in self._types:
            raise ValueError(f"field type {field_type.name!r} is already registered or has no name")
        self._types[field_type.name] = field_type
        return field_type

    def __getitem__(self, name):
        """The type called ``name``; FieldTypeMissing when this app has none (callers that
        take documents from outside check names first, with ``in``)."""
        try:
            return self._types[name]
        except KeyError:
            raise FieldTypeMissing("metadata.field_type.missing", type=name,
                                   errors={"type": [Message("metadata.field_type.not_installed", type=name)]}) from None

    def __contains__(self, name):
        return name in self._types

    def __iter__(self):
        return iter(sorted(self._types))

    def get(self, name, default=None):
        """The type called ``name``, or ``default``."""
        return self._types.get(name, default)


_DEFAULT = FieldTypeRegistry(BUILTIN_DESCRIPTIONS)
_active = ContextVar("tessera_field_types", default=None)


def active_field_types():
    """The registry in force: the working runtime's, else the built-in types."""
    return _active.get() or _DEFAULT


class using_field_types:  # noqa: N801 - used as a function: ``with using_field_types(registry):``
    """Make ``registry`` the one in force inside the block (nests; restores on exit). A class
    rather than a generator: every request enters one."""

    __slots__ = ("registry", "_token")

    def __init__(self, registry):
        self.registry, self._token = registry, None

    def __enter__(self):
        self._token = _active.set(self.registry)
        return self.registry

    def __exit__(self, _kind, _error, _traceback):
        _active.reset(self._token)
        return False


def field_type_of(field_doc):
    """The FieldType in force for ``field_doc``."""
    return active_field_types()[field_doc["type"]]


def text_length(field_doc):
    """The maximum length of a text-like field, None for other fields."""
    kind = active_field_types().get(field_doc["type"])
    return None if kind is None else kind.text_length(field_doc)
