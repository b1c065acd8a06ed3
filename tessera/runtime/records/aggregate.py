"""Counting and aggregating the records a reader may see, each in one SQL statement.

Both run over a ``Selection`` (the rows a list with the same filters would reach, the
reader's row filter inside the WHERE), so a total never counts a record the reader
could not list. Field-level security applies to every field named in ``group_by`` and
``measures`` as it does to ``sort`` and ``fields``.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

from sqlalchemy import asc, func, literal, nulls_last, select

from tessera.i18n import Message
from tessera.metadata.fieldtypes import numeric_shape
from tessera.metadata.formulas import storage_doc

from ..errors import InvalidQuery
from .query import check_field_names
from .selection import select_rows
from ..fields.serialize import NUMERIC_RETURNS, SYSTEM_TYPES, to_json

MAX_GROUPS = 1000
MAX_GROUP_FIELDS = 2
FUNCTIONS = ("sum", "avg", "min", "max")
#: The catalog word for what each function needs (``query.measure.needs.<word>``).
TYPE_NAMES = {"sum": "numeric", "avg": "numeric", "min": "ordered", "max": "ordered"}
#: System columns that may be grouped on or measured, and the type of their values.
SYSTEM_VALUE_TYPES = {"owner": SYSTEM_TYPES["owner_id"], "created_at": SYSTEM_TYPES["created_at"],
                      "updated_at": SYSTEM_TYPES["updated_at"]}
_WIDE = Context(prec=60)


class TooManyGroups(InvalidQuery):
    """An aggregate would answer more groups than it may."""

    code = "too_many_groups"


@dataclass(frozen=True)
class Operand:
    """A field as an aggregate reads it: its SQL, the FieldType of its values and their scale."""

    name: str
    kind: object
    scale: int | None
    expression: object


@dataclass(frozen=True)
class Measure:
    """``count``, or a function (sum, avg, min, max) of one field."""

    function: str
    operand: Operand | None = None

    @property
    def key(self):
        """The measure's name in each group: ``count``, ``sum_amount``, ..."""
        return "count" if self.operand is None else f"{self.function}_{self.operand.name}"


def count_records(runtime, ctx, object_name, *, filters=None, formula=None, at_most=None, search=None):
    """How many records of ``object_name`` ``ctx`` may see match the filters: one ``SELECT count(*)``.

    With ``at_most`` the count stops early: it answers ``at_most + 1`` whenever more records
    match, so a page can say "more than 10,000" without counting a million rows.
    """
    with runtime.read() as conn:
        selection = select_rows(runtime, conn, ctx, object_name, filters=filters, formula=formula, search=search)
        if at_most is None:
            query = selection.where(select(func.count()))
        else:
            matching = selection.where(select(literal(1).label("one"))).limit(at_most + 1).subquery()
            query = select(func.count()).select_from(matching)
        total = conn.execute(query).scalar_one()
    runtime.overrides.read(ctx, selection.obj, "count")
    return total


def aggregate_records(runtime, ctx, object_name, *, group_by=None, measures=None, filters=None, formula=None):
    """{"groups": [...]}: per distinct value of the ``group_by`` fields (none, one or two), each measure.

    ``measures`` are specs such as ``count``, ``sum:amount``, ``avg:amount``,
    ``min:close_date``, ``max:amount`` (``count`` when none are given). Groups come
    ordered by their values, NULLs last; more than MAX_GROUPS raises TooManyGroups.
    """
    with runtime.read() as conn:
        selection = select_rows(runtime, conn, ctx, object_name, filters=filters, formula=formula)
        groups = parse_group_by(selection, group_by or [])
        wanted = parse_measures(selection, measures or ["count"], groups)
        rows = conn.execute(_query(selection, groups, wanted)).all()
    runtime.overrides.read(ctx, selection.obj, "aggregate")
    if len(rows) > MAX_GROUPS:
        raise TooManyGroups("query.aggregate.too_many_groups", max=MAX_GROUPS,
                            errors={"group_by": [Message("query.aggregate.more_groups_than", max=MAX_GROUPS)]})
    return {"groups": [_group_json(groups, wanted, row) for row in rows]}


def parse_group_by(selection, names):
    """The Operands of the ``group_by`` field names: readable fields of a groupable type, or ``owner``."""
    names = list(dict.fromkeys(names))
    if len(names) > MAX_GROUP_FIELDS:
        raise InvalidQuery("query.group_by.too_many_fields", max=MAX_GROUP_FIELDS,
                           errors={"group_by": [Message("query.at_most_fields", max=MAX_GROUP_FIELDS)]})
    check_field_names(selection.obj, names, selection.readable, label="group_by", system={"owner"})
    operands = [_operand(selection, name, "group_by") for name in names]
    for operand in operands:
        if not operand.kind.groupable:
            raise InvalidQuery("query.group_by.not_groupable", field=operand.name,
                               errors={"group_by": [Message("query.not_groupable", field=operand.name)]})
    return operands


def parse_measures(selection, specs, groups=()):
    """The Measures of ``specs`` (duplicates dropped), each over a readable field of a suitable type."""
    parsed = [_split_measure(spec) for spec in dict.fromkeys(specs)]
    check_field_names(selection.obj, [name for _, name in parsed if name], selection.readable, label="measures",
                      system={"created_at", "updated_at"})
    measures = []
    for function, name in parsed:
        operand = None if name is None else _operand(selection, name, "measures")
        if operand is not None and function not in operand.kind.aggregates:
            needs = Message(f"query.measure.needs.{TYPE_NAMES[function]}", measure=f"{function}:{name}")
            raise InvalidQuery("query.measures.invalid", problem=needs, errors={"measures": [needs]})
        measures.append(Measure(function, operand))
    clashes = sorted({g.name for g in groups} & {m.key for m in measures})
    if clashes:
        raise InvalidQuery("query.group_by.measure_name", field=clashes[0],
                           errors={"group_by": [Message("query.measure_name", field=clashes[0])]})
    return measures


def _split_measure(spec):
    function, colon, name = spec.partition(":")
    if function == "count" and not colon:
        return "count", None
    if function not in FUNCTIONS or not name:
        raise InvalidQuery("query.measures.unknown", measure=spec,
                           errors={"measures": [Message("query.unknown_measure", measure=spec)]})
    return function, name


def _operand(selection, name, label):
    obj = selection.obj
    if name in obj.formulas and not obj.formulas[name].pushable:
        raise InvalidQuery("query.param.not_in_database", param=label, field=name,
                           errors={label: [Message("query.not_in_database", field=name)]})
    kind, scale = _value_shape(selection.model, obj, name)
    return Operand(name, kind, scale, selection.binder.expression(name))


def _value_shape(model, obj, name):
    """(type of the values, decimal places) of a field or system column."""
    if name in SYSTEM_VALUE_TYPES:
        return SYSTEM_VALUE_TYPES[name], None
    field_doc = obj.fields[name]
    kind = obj.value_types[name]
    if field_doc["type"] == "formula":
        return kind, field_doc.get("scale", NUMERIC_RETURNS.get(kind.name))
    stored = storage_doc(field_doc, model.documents)
    return kind, numeric_shape(stored)[1] if kind.family == "numeric" else None


def _measure_columns(measure, index):
    if measure.operand is None:
        return [func.count().label(f"_m{index}")]
    expression = measure.operand.expression
    if measure.function == "avg":  # computed from an exact sum, alike on both databases
        return [func.sum(expression).label(f"_m{index}"), func.count(expression).label(f"_n{index}")]
    return [getattr(func, measure.function)(expression).label(f"_m{index}")]


def _query(selection, groups, measures):
    keys = [g.expression.label(f"_g{i}") for i, g in enumerate(groups)]
    columns = [c for i, m in enumerate(measures) for c in _measure_columns(m, i)]
    query = selection.where(select(*keys, *columns))
    if keys:
        # By label, not expression: PostgreSQL cannot tell that a formula's bound parameters in
        # GROUP BY equal those in the SELECT. The underscore keeps labels apart from field names.
        names = [key.name for key in keys]
        query = query.group_by(*names).order_by(*[nulls_last(asc(name)) for name in names])
    return query.limit(MAX_GROUPS + 1)


def _group_json(groups, measures, row):
    values = row._mapping
    out = {g.name: _json(values[f"_g{i}"], g) for i, g in enumerate(groups)}
    for i, measure in enumerate(measures):
        value = values[f"_m{i}"]
        if measure.operand is None:
            out[measure.key] = value
        elif measure.function == "avg":
            out[measure.key] = _json(_average(value, values[f"_n{i}"], measure.operand.scale), measure.operand)
        else:
            out[measure.key] = _json(value, measure.operand)
    return out


def _average(total, count, scale):
    if total is None or not count:
        return None
    return _WIDE.divide(_decimal(total, scale), Decimal(count))


def _decimal(value, scale):
    """``value`` as a Decimal rounded half away from zero to ``scale`` (SQLite sums are floats)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=_WIDE)


def _json(value, operand):
    """The JSON form of an aggregated value, typed as the field's values are."""
    if value is None:
        return None
    kind = operand.kind
    value = _decimal(value, operand.scale) if kind.family == "numeric" else kind.from_aggregate(value)
    return to_json(value, kind)
