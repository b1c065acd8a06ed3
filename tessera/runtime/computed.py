"""Formulas evaluated in memory: record views, formula defaults and validation rules."""

from collections.abc import Mapping

from sqlalchemy import select

from .errors import LocalText, RecordInvalid
from .systables import user as user_table


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
    """Loads related records by id for lookup hops, once each per operation."""

    def __init__(self, conn, model):
        self.conn, self.model = conn, model
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
        row = self.conn.execute(select(obj.table).where(obj.table.c.id == record_id)).mappings().first()
        return RecordView(obj, dict(row), self.env) if row else None


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
            text = LocalText(rule.get("message") or {}, f"validation rule {rule['name']} failed")
            field = rule.get("field")
            visible = field and (readable is None or field in readable)
            errors.setdefault(field if visible else f"$rules.{rule['name']}", []).append(text)
    return errors


def check_rules(obj, record, env, *, path="", readable=None):
    """Raise RecordInvalid listing every failed validation rule of ``record``."""
    errors = failed_rules(obj, record, env, readable)
    if errors:
        raise RecordInvalid("the record breaks validation rules",
                            errors={f"{path}{k}": v for k, v in errors.items()})
