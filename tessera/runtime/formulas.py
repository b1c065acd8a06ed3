"""Formulas over object tables: binding field paths to columns and joins, compiled per revision.

A ``TableBinder`` answers the SQL compiler's ``column(path)``: a stored field is a column;
a lookup hop adds a LEFT OUTER JOIN (once per path prefix); a formula field is its own
compiled SQL. The query builder selects from ``binder.from_clause``.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tessera.formula import FormulaError, FormulaType, check, compile_python, compile_sql
from tessera.metadata.fieldtypes import lookup_target
from tessera.metadata.formulas import formula_type_of, scope_for

from .errors import InvalidQuery
from .security_errors import FieldAccessDenied
from .systables import user as user_table

SYSTEM_COLUMN = {"owner": "owner_id"}
USER_COLUMNS = {"id", "username", "display_name", "email", "locale"}
SYSTEM_TARGETS = {"owner": "user", "created_by": "user", "updated_by": "user"}


@dataclass
class CompiledFormula:
    """A checked formula and its Python form; SQL is compiled per query (it needs a binder)."""

    checked: object
    evaluate: object

    @property
    def pushable(self):
        """True when the formula has a SQL form."""
        return self.checked.pushable


def compile_formula(source, scope, **options):
    """Check and compile ``source``; raises FormulaError."""
    checked = check(source, scope, **options)
    return CompiledFormula(checked, compile_python(checked))


def compile_object_formulas(documents, name, doc):
    """Compile the formula fields, formula defaults and validation rules of one object."""
    scope = scope_for(documents, name)
    fields, defaults, rules = {}, {}, []
    for field_doc in doc["fields"]:
        if field_doc["type"] == "formula":
            fields[field_doc["name"]] = compile_formula(
                field_doc["expression"], scope, expected=FormulaType(field_doc["returns"]))
        elif isinstance(field_doc.get("default"), dict):
            defaults[field_doc["name"]] = compile_formula(
                field_doc["default"]["formula"], scope, expected=formula_type_of(field_doc, documents))
    for rule in doc.get("validation_rules", []):
        if rule.get("active", True):
            rules.append((rule, compile_formula(rule["error_when"], scope, context="validation")))
    return fields, defaults, rules


def _target_of(obj, name):
    if name in SYSTEM_TARGETS:
        return SYSTEM_TARGETS[name]
    return lookup_target(obj.fields[name])


class TableBinder:
    """Binds formula field paths to columns of ``obj``'s table, joining lookups as needed."""

    def __init__(self, model, obj, env, dialect_name, table=None):
        self.model, self.obj, self.env = model, obj, env
        self.dialect_name = dialect_name
        self.root = obj.table if table is None else table
        self.from_clause = self.root
        self._aliases = {}

    def column(self, path):
        """The SQL expression of field ``path`` seen from the root object."""
        obj, table = self.obj, self.root
        for depth in range(len(path) - 1):
            hop, prefix = path[depth], tuple(path[: depth + 1])
            target = _target_of(obj, hop)
            if prefix not in self._aliases:
                target_table = user_table if target == "user" else self.model.objects[target].table
                alias = target_table.alias(f"j{len(self._aliases) + 1}")
                self.from_clause = self.from_clause.outerjoin(alias, alias.c.id == table.c[SYSTEM_COLUMN.get(hop, hop)])
                self._aliases[prefix] = alias
            table = self._aliases[prefix]
            obj = None if target == "user" else self.model.objects[target]
        return self._leaf(obj, table, path[-1], tuple(path[:-1]))

    def _leaf(self, obj, table, name, prefix):
        if obj is None:
            return table.c[name]
        if name in obj.formulas:
            checked = obj.formulas[name].checked
            return compile_sql(checked, _PrefixedBinder(self, prefix), self.env)
        return table.c[SYSTEM_COLUMN.get(name, name)]

    def expression(self, name):
        """The SQL of field ``name`` of the root object (a column or a formula)."""
        return self.column((name,))


class _PrefixedBinder:
    """A binder for a formula field reached through lookups: paths start at that field's object."""

    def __init__(self, base, prefix):
        self.base, self.prefix = base, prefix
        self.dialect_name = base.dialect_name

    def column(self, path):
        return self.base.column(self.prefix + tuple(path))


def org_clock(timezone_name):
    """Return (today in the organisation's time zone, now in naive UTC)."""
    now = datetime.now(timezone.utc)
    return now.astimezone(ZoneInfo(timezone_name)).date(), now.replace(tzinfo=None)


SYSTEM_FIELDS = frozenset({"id", "owner", "created_at", "updated_at", "created_by", "updated_by"})


def _readable_map(runtime, model, ctx):
    return {name: set(runtime.access.readable_fields(ctx, obj)) | SYSTEM_FIELDS
            for name, obj in model.objects.items()}


def _hidden_reference(model, root, path, readable):
    """True when some hop of ``path`` names a field the reader may not read."""
    obj = model.objects.get(root)
    for hop in path:
        if obj is None:
            return False  # the user object: its public fields only
        if hop not in readable[obj.name]:
            return True
        target = _target_of(obj, hop) if hop in obj.fields or hop in SYSTEM_TARGETS else None
        obj = model.objects.get(target) if target else None
    return False


CHECK_CACHE_SIZE = 512


def _cached_check(model, root, source, options):
    """check() over the full scope of ``root``, remembered per revision (LRU, bounded)."""
    cache = model.cache.setdefault("checked_formulas", OrderedDict())
    key = (root, source, tuple(sorted(options.items())))
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    checked = check(source, scope_for(model.documents, root), **options)
    cache[key] = checked
    if len(cache) > CHECK_CACHE_SIZE:
        cache.popitem(last=False)
    return checked


def check_for_reader(runtime, model, obj, source, ctx=None, **options):
    """Check ``source`` over ``obj`` as ``ctx`` sees the model (cached per revision).

    A formula that reads a field the reader may not read, on the object or across a
    lookup, raises FieldAccessDenied without naming it; error suggestions come only from
    readable fields. With no ``ctx`` (system work) every field is visible.
    """
    if ctx is None:
        return _cached_check(model, obj.name, source, options)
    readable = _readable_map(runtime, model, ctx)
    try:
        checked = _cached_check(model, obj.name, source, options)
    except FormulaError:
        check(source, scope_for(model.documents, obj.name, readable=readable), **options)
        raise
    if any(_hidden_reference(model, obj.name, path, readable) for path in checked.references):
        raise FieldAccessDenied("the formula reads a field you may not read",
                                errors={"expression": ["reads a field you may not read"]})
    return checked


def formula_filter(runtime, conn, model, obj, source, ctx=None, readable=None, binder=None):
    """Compile a boolean formula over ``obj`` into a condition on ``binder``'s joins.

    A formula that reads a field ``ctx`` may not read is refused with FieldAccessDenied.
    """
    checked = check_for_reader(runtime, model, obj, source, ctx, context="filter")
    if not checked.pushable:
        raise InvalidQuery("this filter uses functions that cannot run in the database",
                           errors={"filter": ["not pushable to SQL"]})
    binder = binder or TableBinder(model, obj, runtime.eval_env(ctx), conn.dialect.name)
    return compile_sql(checked, binder, binder.env)


def filter_condition(runtime, conn, model, obj, source, ctx=None, readable=None):
    """A self-contained SQL condition on ``obj.table`` for a boolean formula (sharing rules, KPIs).

    Lookups inside the formula become a subquery, so the caller needs no joins.
    """
    binder = TableBinder(model, obj, runtime.eval_env(ctx), conn.dialect.name)
    condition = formula_filter(runtime, conn, model, obj, source, ctx, readable, binder)
    if binder.from_clause is binder.root:
        return condition
    inner = select(binder.root.c.id).select_from(binder.from_clause).where(condition)
    return obj.table.c.id.in_(inner)
