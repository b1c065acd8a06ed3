"""Formulas over object tables: binding field paths to columns and joins, compiled per revision.

A ``TableBinder`` answers the SQL compiler's ``column(path)``: a stored field is a column;
a lookup hop adds a LEFT OUTER JOIN (once per path prefix); a formula field is its own
compiled SQL. The query builder selects from ``binder.from_clause``.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import case, null, select

from tessera.formula import FormulaError, FormulaType, check, compile_python, compile_sql
from tessera.i18n import Message
from tessera.metadata.fieldtypes import lookup_target
from tessera.metadata.formulas import formula_type_of, scope_for

from ..errors import FieldAccessDenied, InvalidQuery
from .system_tables import user as user_table

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


class LookupGuard:
    """The lookup targets a reader may see: for each object, the reader's record-level condition.

    A formula the reader wrote sees a target record only when ``access.row_filter`` (any
    object with that method: the access policy) lets them read it. Conditions are computed once per object for the guard's lifetime (one
    query or one evaluation).
    """

    def __init__(self, access, reader, conn):
        self.access, self.reader, self.conn = access, reader, conn
        self._conditions = {}

    def condition(self, obj):
        """A SQL condition on ``obj.table`` selecting the records the reader may read (None: all)."""
        if obj.name not in self._conditions:
            self._conditions[obj.name] = self.access.row_filter(self.reader, obj, self.conn)
        return self._conditions[obj.name]


class TableBinder:
    """Binds formula field paths to columns of ``obj``'s table, joining lookups as needed.

    The binder itself computes in system context: every lookup target is visible. A
    formula a user wrote compiles against ``binder.reading_as(guard)`` instead, whose
    hops join only the records the guard lets through; both share the binder's joins.
    """

    def __init__(self, model, obj, env, dialect_name, table=None):
        self.model, self.obj, self.env = model, obj, env
        self.dialect_name = dialect_name
        self.root = obj.table if table is None else table
        self.from_clause = self.root
        self._aliases = {}
        self._semi_joins = 0

    def column(self, path):
        """The SQL expression of field ``path`` seen from the root object."""
        return self.guarded_column(tuple(path), None, 0)

    def reading_as(self, guard):
        """A binder for a formula the guard's reader wrote: hidden lookup targets read as NULL."""
        return _PrefixedBinder(self, (), guard, all_hops=True)

    def guarded_column(self, path, guard, guarded):
        """The SQL of ``path`` whose first ``guarded`` hops see only what ``guard`` lets through.

        A formula field reached at the end keeps the guard for the hops that led to it but
        computes its own lookups in system context, as it does everywhere else.
        """
        obj, table = self.obj, self.root
        guarded = guarded if guard is not None else 0
        for depth in range(len(path) - 1):
            hop, prefix = path[depth], path[: depth + 1]
            target = _target_of(obj, hop)
            through = guard if depth < guarded else None
            key = (prefix, min(guarded, depth + 1), through)
            if key not in self._aliases:
                self._aliases[key] = self._join(table, hop, target, through)
            table = self._aliases[key]
            obj = None if target == "user" else self.model.objects[target]
        return self._leaf(obj, table, path[-1], path[:-1], guard, min(guarded, len(path) - 1))

    def lookup_rows(self, hop, leaf):
        """``(lookup column, target table, leaf column)`` for a filter's semi-join on lookup
        ``hop`` of the root object, reading stored field ``leaf`` of its target in system
        context; None when ``leaf`` is a formula field (it may read further lookups)."""
        target = _target_of(self.obj, hop)
        if target == "user":
            table = user_table
        else:
            obj = self.model.objects[target]
            if leaf in obj.formulas:
                return None
            table = obj.table
        self._semi_joins += 1
        rows = table.alias(f"s{self._semi_joins}")
        column = leaf if target == "user" else SYSTEM_COLUMN.get(leaf, leaf)
        return self.root.c[SYSTEM_COLUMN.get(hop, hop)], rows, rows.c[column]

    def _join(self, table, hop, target, guard):
        """LEFT OUTER JOIN the target of ``hop``; with a guard, only the records it lets through."""
        condition = None
        if target == "user":
            target_table = user_table
        else:
            target_table = self.model.objects[target].table
            condition = guard.condition(self.model.objects[target]) if guard is not None else None
        name = f"j{len(self._aliases) + 1}"
        # The row filter stays inside its own SELECT over the real table, so its
        # correlated parts (shares, sharing rules) keep referring to that table.
        joined = target_table.alias(name) if condition is None else select(target_table).where(condition).subquery(name)
        self.from_clause = self.from_clause.outerjoin(joined, joined.c.id == table.c[SYSTEM_COLUMN.get(hop, hop)])
        return joined

    def _leaf(self, obj, table, name, prefix, guard, guarded):
        if obj is None:
            return table.c[name]
        if name in obj.formulas:
            checked = obj.formulas[name].checked
            value = compile_sql(checked, _PrefixedBinder(self, prefix, guard, guarded=guarded), self.env)
            if guarded and guarded == len(prefix):
                # A formula field of a hidden (or absent) target is NULL, not its value over NULLs.
                return case((table.c.id.is_(None), null()), else_=value)
            return value
        return table.c[SYSTEM_COLUMN.get(name, name)]

    def expression(self, name):
        """The SQL of field ``name`` of the root object (a column or a formula)."""
        return self.column((name,))


class _PrefixedBinder:
    """A binder whose paths start at ``prefix``: a formula field reached through lookups, or a reader's formula.

    The first ``guarded`` hops (or, with ``all_hops``, every hop) see only what ``guard``
    lets through.
    """

    def __init__(self, base, prefix, guard=None, *, guarded=0, all_hops=False):
        self.base, self.prefix, self.guard = base, prefix, guard
        self.guarded, self.all_hops = guarded, all_hops
        self.dialect_name = base.dialect_name
        self.env = base.env

    def column(self, path):
        full = self.prefix + tuple(path)
        return self.base.guarded_column(full, self.guard, len(full) - 1 if self.all_hops else self.guarded)


def org_clock(timezone_name, now=None):
    """Return (today in the organisation's time zone, now in naive UTC) at ``now`` (aware, or
    naive UTC; default: the current time)."""
    now = now or datetime.now(timezone.utc)
    now = now.replace(tzinfo=timezone.utc) if now.tzinfo is None else now.astimezone(timezone.utc)
    return now.astimezone(ZoneInfo(timezone_name)).date(), now.replace(tzinfo=None)


SYSTEM_FIELDS = frozenset({"id", "owner", "created_at", "updated_at", "created_by", "updated_by"})


def _readable_map(model, readable_of):
    return {name: set(readable_of(obj)) | SYSTEM_FIELDS for name, obj in model.objects.items()}


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


def check_for_reader(model, obj, source, readable_of=None, **options):
    """Check ``source`` over ``obj`` as a reader sees the model (cached per revision).

    ``readable_of(object)`` names the fields the reader may read. A formula that reads
    any other field, on the object or across a lookup, raises FieldAccessDenied without
    naming it; error suggestions come only from readable fields. With no ``readable_of``
    (system work) every field is visible.
    """
    if readable_of is None:
        return _cached_check(model, obj.name, source, options)
    readable = _readable_map(model, readable_of)
    try:
        checked = _cached_check(model, obj.name, source, options)
    except FormulaError:
        check(source, scope_for(model.documents, obj.name, readable=readable), **options)
        raise
    if any(_hidden_reference(model, obj.name, path, readable) for path in checked.references):
        raise FieldAccessDenied("access.formula.unreadable_field", errors={"expression": [Message("access.reads_unreadable_field")]})
    return checked


def formula_filter(model, obj, source, binder, *, readable_of=None, guard=None):
    """Compile a boolean formula (a list's ``filter=``) into a condition on ``binder``'s joins.

    ``readable_of`` limits the fields it may read (see ``check_for_reader``); with a
    ``guard`` (a LookupGuard) its lookups see only the target records the guard lets
    through, and every field through any other is NULL. Without them (system work)
    every field and record is visible. Raises InvalidQuery when it cannot run in SQL.
    """
    checked = check_for_reader(model, obj, source, readable_of, context="filter")
    if not checked.pushable:
        raise InvalidQuery("query.filter.not_in_database", errors={"filter": [Message("query.filter.not_pushable")]})
    reading = binder if guard is None else binder.reading_as(guard)
    return compile_sql(checked, reading, binder.env)


def filter_condition(conn, model, obj, source, env):
    """A self-contained SQL condition on ``obj.table`` for a boolean formula written in metadata (sharing rules).

    Lookups inside the formula become a subquery, so the caller needs no joins. Like
    every formula an administrator defines, it reads every field and follows lookups in
    system context (every target record is visible); ``env`` gives ``$user`` and the clock.
    """
    binder = TableBinder(model, obj, env, conn.dialect.name)
    condition = formula_filter(model, obj, source, binder)
    if binder.from_clause is binder.root:
        return condition
    inner = select(binder.root.c.id).select_from(binder.from_clause).where(condition)
    return obj.table.c.id.in_(inner)
