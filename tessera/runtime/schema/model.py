"""The compiled model: tables and loaders built from one published revision.

Building a model is pure: it reads metadata documents and produces SQLAlchemy Tables and
marshmallow schemas. Each process keeps one per revision (see ``ModelCache``).
"""

import threading
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Index, MetaData, Table, bindparam, select

from tessera.metadata.fieldtypes import lookup_target
from tessera.metadata.formulas import storage_doc

from .columns import field_column, index_name, system_columns, table_name
from .formulas import compile_object_formulas
from ..fields.builtin import BUILTIN_FIELD_TYPES
from ..fields.loaders import build_loader


@dataclass
class ObjectModel:
    """One published object: its document, table, fields and input loaders."""

    name: str
    doc: dict
    table: Table
    fields: dict
    create_loader: object
    update_loader: object
    children: list = field(default_factory=list)  # (child object, field doc)
    formulas: dict = field(default_factory=dict)  # formula field name -> CompiledFormula
    default_formulas: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)  # (rule doc, CompiledFormula)
    rollups_fed: list = field(default_factory=list)  # (parent object, roll-up field doc) this object feeds
    value_types: dict = field(default_factory=dict)  # field name -> FieldType of its values
    field_types: object = BUILTIN_FIELD_TYPES

    @cached_property
    def stored_fields(self):
        """Names of the fields that are columns of the table, in document order."""
        return [n for n, f in self.fields.items() if self.field_types[f["type"]].stored]

    @cached_property
    def select_by_id(self):
        """SELECT of every column of the row whose id is the ``record_id`` parameter (built once)."""
        return select(self.table).where(self.table.c.id == bindparam("record_id"))

    @cached_property
    def master_fields(self):
        """The documents of the object's master-detail fields (worked out once, read on every row check)."""
        return [f for f in self.fields.values() if f["type"] == "master_detail"]

    def label(self, locale="en"):
        """The object's label in ``locale``, falling back to English, then its name."""
        labels = self.doc.get("label") or {}
        return labels.get(locale) or labels.get("en") or self.name


@dataclass
class CompiledModel:
    """Every published object of one revision."""

    revision: int
    documents: dict
    objects: dict
    schema: MetaData
    field_types: object = BUILTIN_FIELD_TYPES
    cache: dict = field(default_factory=dict)  # derived things built once per revision


def _indexes(name, doc, table):
    for field_doc in doc["fields"]:
        if field_doc.get("unique") or field_doc.get("indexed") or lookup_target(field_doc):
            cols = [field_doc["name"]]
            unique = bool(field_doc.get("unique"))
            Index(index_name(name, cols, unique), *[table.c[c] for c in cols], unique=unique)
    for spec in doc.get("indexes", []):
        unique = bool(spec.get("unique"))
        Index(index_name(name, spec["fields"], unique), *[table.c[c] for c in spec["fields"]], unique=unique)


def value_types(doc, documents, field_types):
    """{field name: the FieldType its values have}: a formula's result type, a roll-up's stored type."""
    found = {}
    for field_doc in doc["fields"]:
        kind = field_doc["returns"] if field_doc["type"] == "formula" else storage_doc(field_doc, documents)["type"]
        found[field_doc["name"]] = field_types[kind]
    return found


def build_table(name, doc, schema, documents, field_types=BUILTIN_FIELD_TYPES):
    """Return the Table of object ``name`` described by ``doc`` inside ``schema``."""
    stored = [storage_doc(f, documents) for f in doc["fields"] if field_types[f["type"]].stored]
    columns = [field_column(f, field_types[f["type"]]) for f in stored]
    table = Table(table_name(name), schema, *system_columns(), *columns, sqlite_autoincrement=True)
    _indexes(name, doc, table)
    return table


def build_model(revision, documents, field_types=BUILTIN_FIELD_TYPES):
    """Compile the published ``documents`` of ``revision`` into a CompiledModel, each field
    stored and loaded as its type in ``field_types`` says."""
    schema = MetaData()
    objects = {}
    for (kind, name), doc in sorted(documents.items()):
        if kind != "object":
            continue
        field_docs = doc["fields"]
        formulas, defaults, rules = compile_object_formulas(documents, name, doc)
        objects[name] = ObjectModel(
            name=name,
            doc=doc,
            table=build_table(name, doc, schema, documents, field_types),
            formulas=formulas,
            default_formulas=defaults,
            rules=rules,
            fields={f["name"]: f for f in field_docs},
            create_loader=build_loader(name, field_docs, partial=False, types=field_types),
            update_loader=build_loader(name, field_docs, partial=True, types=field_types),
            value_types=value_types(doc, documents, field_types),
            field_types=field_types,
        )
    for model in objects.values():
        for field_doc in model.doc["fields"]:
            target = lookup_target(field_doc)
            if target in objects:
                objects[target].children.append((model.name, field_doc))
            if field_doc["type"] == "rollup" and field_doc["child"] in objects:
                objects[field_doc["child"]].rollups_fed.append((model.name, field_doc))
    return CompiledModel(revision=revision, documents=documents, objects=objects, schema=schema,
                         field_types=field_types)


class ModelCache:
    """Keeps the compiled model of the newest revision, rebuilt when a newer one appears."""

    def __init__(self, loader, field_types=BUILTIN_FIELD_TYPES):
        self._loader = loader  # (conn) -> (revision, documents)
        self.field_types = field_types
        self._model = None
        self._lock = threading.Lock()

    def get(self, conn, revision):
        """Return the model for ``revision``, building it once if it is newer than ours."""
        model = self._model
        if model is not None and model.revision == revision:
            return model
        with self._lock:
            if self._model is None or self._model.revision != revision:
                loaded_revision, documents = self._loader(conn)
                self._model = build_model(loaded_revision, documents, self.field_types)
            return self._model
