"""Actuals: what each person is credited with per period, one grouped SQL query per KPI.

The query reads the measured object in system context (no row security: these are the
official numbers), compiles the measure's argument and the filter with the formula
language's SQL compiler, places each record in every asked period that holds its date
by joining a small table of period ranges, credits it to a person (a user field, or the
members of a split child object by their share) and groups by person and period. A
derived KPI is computed in Python from its parts' grouped results.
"""

from decimal import ROUND_HALF_UP, Context, Decimal

import sqlalchemy as sa

from tessera.formula import compile_sql, compile_sql_filter

from ..schema.formulas import TableBinder
from .adjustments import adjustable, grouped_adjustments
from .grouping import grouped_parts, period_ranges, union, window_ranges
from .kpis import kpi_definition

#: Aggregates whose value over no records is zero (not null), and which add across people.
ADDITIVE = ("SUM", "COUNT", "COUNT_DISTINCT")
_WIDE = Context(prec=60)
_HUNDRED = Decimal(100)


def actuals(conn, model, kpi, periods, users=None, *, env, timezone="UTC", windows=None):
    """{(user_id, period_id): Decimal or None} of KPI ``kpi`` (a name) over ``periods``.

    With ``users``, only those people are computed and each of them has a value for every
    period (zero for additive measures without records, None otherwise); without, only
    the people credited with some record appear. A derived KPI whose denominator is zero
    gives None. ``env`` supplies the clock to formulas; ``timezone`` turns a datetime
    field's instants into the organisation's days. ``windows`` ({user_id: ((first day,
    last day), ...)}) counts those people's records and adjustments only on those days.
    """
    definition = kpi_definition(model, kpi)
    if not periods or users == []:
        return {}
    if definition.derived is not None:
        return _derived(conn, model, definition, periods, users, env, timezone, windows)
    found = _measured(conn, model, definition, periods, users, env, timezone, windows)
    for user_id in users or ():
        for period in periods:
            found.setdefault((user_id, period.id), empty_value(definition))
    return found


def empty_value(definition):
    """What a measured KPI reads for a person without records: 0 when additive, else None."""
    return _scaled(Decimal(0), definition.scale) if definition.measure.function in ADDITIVE else None


def _derived(conn, model, definition, periods, users, env, timezone, windows):
    parts = {name: actuals(conn, model, name, periods, users, env=env, timezone=timezone, windows=windows)
             for name in definition.parts}
    empty = {name: _empty_part(model, name) for name in parts}
    keys = set().union(*(found.keys() for found in parts.values())) if parts else set()
    result = {}
    for key in keys:
        values = {name: found.get(key, empty[name]) for name, found in parts.items()}
        result[key] = _scaled(definition.evaluate(values, env), definition.scale)
    return result


def _empty_part(model, name):
    part = kpi_definition(model, name)
    return None if part.derived is not None else empty_value(part)


def _measured(conn, model, definition, periods, users, env, timezone, windows):
    doc, measure = definition.doc, definition.measure
    obj = model.objects[doc["object"]]
    binder = TableBinder(model, obj, env, conn.dialect.name)
    argument = compile_sql(measure.argument, binder, env) if measure.argument is not None else None
    conditions = [compile_sql_filter(definition.filter, binder, env)] if definition.filter is not None else []
    source, person, share = _credit(model, obj, binder, doc["credit"])
    parts = grouped_parts(obj, doc, binder, (source, person), periods, timezone, _aggregate(measure, argument, share),
                          conditions, in_sql(users, share), windows)
    if adjustable(definition):
        query = _with_adjustments(parts, definition, periods, users, share is not None, windows)
    else:
        query = union(parts)
    result, kept = {}, None if users is None else set(users)
    for row in conn.execute(query):
        if kept is None or row.person in kept:
            result[(row.person, periods[row.idx].id)] = _scaled(_value(measure, row, share is not None),
                                                                definition.scale)
    return result


def in_sql(users, share):
    """The people a grouped query itself keeps: all of them under split credit, where the
    rows are kept afterwards instead. A list of people there would lead SQLite to probe
    the split index once per person for every record (slower than grouping everyone)."""
    return None if share is not None else users


def _with_adjustments(records, definition, periods, users, split, windows):
    """The grouped records and the grouped adjustments, UNION ALL, summed again per person
    and period: still one query. Under split credit adjustments count x 100, as the
    records' value x share sums do before their division by 100."""
    factor = 100 if split else 1
    days = period_ranges(periods, False, "UTC", "adjustment_periods")
    adjusted = [grouped_adjustments(definition.name, days, users, factor, skip=windows or ())]
    spans = window_ranges(periods, windows, False, "UTC", "adjustment_windows") if windows else None
    if spans is not None:
        adjusted.append(grouped_adjustments(definition.name, spans, None, factor))
    parts = sa.union_all(*records, *adjusted).subquery("credited")
    return (sa.select(parts.c.person, parts.c.idx, sa.func.sum(parts.c.value).label("value"))
            .group_by(parts.c.person, parts.c.idx))


def _credit(model, obj, binder, credit):
    """(FROM clause, person column, share column or None) of a KPI's credit rule."""
    if "user_field" in credit:
        return binder.from_clause, binder.expression(credit["user_field"]), None
    split = credit["split"]
    child = model.objects[split["object"]].table.alias("credit_split")
    source = binder.from_clause.join(child, child.c[split["parent"]] == obj.table.c.id)
    user_column = "owner_id" if split["user"] == "owner" else split["user"]
    return source, child.c[user_column], share_points(model, split, child)


def share_points(model, split, child):
    """A split row's share in percentage points (60 = 60 %), as every sum and check here
    counts it: a ``percent`` field holds a fraction (0.6), a ``number`` field the points."""
    column = child.c[split["percent"]]
    return column * 100 if model.objects[split["object"]].fields[split["percent"]]["type"] == "percent" else column


def _aggregate(measure, argument, share):
    """The SELECT columns of the measure; with split credit, value x share (divided by 100 later)."""
    function = measure.function
    if share is not None:
        if function == "SUM":
            return [sa.func.sum(argument * share).label("value")]
        counted = share if argument is None else sa.case((argument.is_not(None), share), else_=sa.null())
        return [sa.func.sum(counted).label("value")]
    if function == "SUM":
        return [sa.func.sum(argument).label("value")]
    if function == "COUNT":
        return [(sa.func.count(argument) if argument is not None else sa.func.count()).label("value")]
    if function == "COUNT_DISTINCT":
        return [sa.func.count(sa.distinct(argument)).label("value")]
    if function == "AVG":  # an exact sum and a count, divided in Python alike on both databases
        return [sa.func.sum(argument).label("value"), sa.func.count(argument).label("count")]
    return [getattr(sa.func, function.lower())(argument).label("value")]


def _decimal(value):
    return value if isinstance(value, Decimal) or value is None else Decimal(str(value))


def _value(measure, row, split):
    value = _decimal(row.value)
    if value is None:
        return None
    if split:
        return _WIDE.divide(value, _HUNDRED)
    if measure.function == "AVG":
        return _WIDE.divide(value, Decimal(row.count)) if row.count else None
    return value


def _scaled(value, scale):
    """``value`` rounded half away from zero to ``scale`` places (SQLite sums are floats)."""
    if value is None:
        return None
    return _decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=_WIDE)
