"""The registry of metadata kinds: each kind has a JSON Schema and its own checks."""

import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

from jsonschema import Draft202012Validator

from .errors import UnknownKind


@dataclass
class KindSpec:
    """One kind of metadata document: its schema file and semantic checks.

    ``check(doc)`` returns a dict of field path -> messages for one document;
    ``cross_check(doc, documents)`` does the same against the whole candidate set.
    ``allowed_names`` are names this kind accepts although the naming rules reserve them
    (the one ``fiscal_calendar`` is called ``default``).
    """

    name: str
    schema_file: str
    check: object = None
    cross_check: object = None
    allowed_names: frozenset = frozenset()
    extra: dict = field(default_factory=dict)

    @cached_property
    def validator(self):
        """The compiled Draft 2020-12 validator of this kind's schema."""
        text = resources.files("tessera.metadata").joinpath("schemas", self.schema_file).read_text("utf-8")
        schema = json.loads(text)
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema)


KINDS = {}


def register_kind(spec):
    """Make a kind of metadata known to the store; later kinds come from plugins."""
    KINDS[spec.name] = spec
    return spec


def kind_spec(name):
    """Return the spec of ``name`` or raise UnknownKind."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind("metadata.kind.unknown", kind=name) from None
