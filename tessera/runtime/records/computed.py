"""Formulas evaluated in memory: record views, formula defaults and validation rules."""

from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy import select

from tessera.i18n import Message, Translated

from ..errors import RecordInvalid
from ..schema.system_tables import user as user_table


class RecordView(Mapping):
    """A record as formulas see it: stored values, system fields, and formula fields computed on access."""

    def __init__(self, obj, values, env):
        self.obj, self.values, self.env = obj, values, env
        self._computed = {}

    def __getitem__(self, name):
        if name in self.obj.formulas:
            if name not in self._computed:
                self._computed[name] = self.obj.formulas[name].evaluate(self, self.env)
            return self._computed[name]
        if name == "owner":
            return self.values.get("owner_id")
        value = self.values.get(name)
        if isinstance(value, str) and self.obj.fields.get(name, {}).get("type") == "multi_picklist":
            return value.split(";") if value else None  # formulas see an empty selection as NULL
        return value

    def __iter__(self):
        return iter(list(self.obj.fields) + ["id", "owner"])

    def __len__(self):
        return len(self.obj.fields) + 2


class Fetcher:
    """Loads related records by id for lookup hops, once each per operation.

    With a ``guard`` (a formulas.LookupGuard) it loads only the records the guard's reader
    may read: any other answers None, exactly like a missing id. The records it returns
    compute their own formula fields with ``env``.
    """

    def __init__(self, conn, model, guard=None):
        self.conn, self.model, self.guard = conn, model, guard
        self._seen = {}
        self.env = None

    def __call__(self, object_name, record_id):
        key = (object_name, record_id)
        if record_id is None:
            return None
        if key not in self._seen:
            self._seen[key] = self._load(object_name, record_id)
        return self._seen[key]

    def _load(self, object_name, record_id):
        if object_name == "user":
            row = self.conn.execute(select(user_table).where(user_table.c.id == record_id)).mappings().first()
            return dict(row) if row else None
        obj = self.model.objects[object_name]
        query = select(obj.table).where(obj.table.c.id == record_id)
        condition = None if self.guard is None else self.guard.condition(obj)
        if condition is not None:
            query = query.where(condition)
        row = self.conn.execute(query).mappings().first()
        return RecordView(obj, dict(row), self.env) if row else None


def reader_env(env, conn, model, guard):
    """A copy of ``env`` for a formula the guard's reader wrote.

    Its lookups see only the records the reader may read; a fetched record's formula
    fields still compute with ``env``, as they do when the reader fetches that record.
    """
    fetcher = Fetcher(conn, model, guard)
    fetcher.env = env
    return replace(env, fetch=fetcher)


def apply_default_formulas(obj, values, env):
    """Fill each missing field that has a formula default; return the values."""
    for name, compiled in obj.default_formulas.items():
        if values.get(name) is None:
            value = compiled.evaluate(RecordView(obj, values, env), env)
            if obj.fields[name]["type"] == "multi_picklist" and isinstance(value, (list, tuple)):
                value = ";".join(value)
            values[name] = value
    return values


def failed_rules(obj, record, env, readable=None):
    """Return {path: [message]} for every validation rule whose error_when holds.

    A rule attached to a field outside ``readable`` is keyed by its own name instead,
    so the error never names a field the reader may not see.
    """
    errors = {}
    for rule, compiled in obj.rules:
        if compiled.evaluate(record, env) is True:
            text = Translated(rule["message"]) if rule.get("message") else Message("record.rule.failed", name=rule["name"])
            field = rule.get("field")
            visible = field and (readable is None or field in readable)
            errors.setdefault(field if visible else f"$rules.{rule['name']}", []).append(text)
    return errors


def check_rules(obj, record, env, *, path="", readable=None):
    """Raise RecordInvalid listing every failed validation rule of ``record``."""
    errors = failed_rules(obj, record, env, readable)
    if errors:
        raise RecordInvalid("record.rules.broken",
                            errors={f"{path}{k}": v for k, v in errors.items()})
