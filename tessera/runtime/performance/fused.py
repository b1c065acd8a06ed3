"""Several KPIs' actuals from one scan: KPIs over the same records, dated and credited alike.

A scheme usually measures one object several ways (revenue, won deals, pipeline), each
KPI with its own filter. Scanning the records once per KPI repeats the same join and
bucketing; here KPIs that share object, date field and credit rule and that sum or
count are computed by ONE grouped query with one conditional sum per KPI
(``SUM(CASE WHEN <filter> THEN <argument> END)``), the WHERE clause keeping rows that
any of them wants. Their adjustments come from one more grouped query for all of them.
Other KPIs (averages, minimums, derived ratios, a KPI alone in its group) go through
``actuals`` unchanged, so the numbers are the same either way.
"""

import json
from decimal import Decimal

import sqlalchemy as sa

from tessera.formula import compile_sql, compile_sql_filter

from ..schema.formulas import TableBinder
from ..schema.system_tables import kpi_adjustment
from .actuals import _WIDE, _credit, _scaled, actuals, empty_value, in_sql
from .grouping import grouped_parts, period_ranges, union, window_ranges
from .kpis import kpi_definition

FUSABLE = ("SUM", "COUNT")
_HUNDRED = Decimal(100)


def _fusable(definition):
    return definition.derived is None and definition.measure.function in FUSABLE


def _group_key(definition):
    doc = definition.doc
    return doc["object"], doc["date_field"], json.dumps(doc["credit"], sort_keys=True)


def actuals_of(conn, model, kpi_names, periods, users, *, env, timezone, windows=None):
    """{kpi: {(user_id, period_id): value}} of ``kpi_names``, as ``actuals`` answers each, with
    one scan of the records per group of KPIs sharing object, date field and credit;
    ``windows`` as ``actuals`` takes it."""
    found, groups = {}, {}
    for name in kpi_names:
        definition = kpi_definition(model, name)
        if _fusable(definition):
            groups.setdefault(_group_key(definition), []).append(definition)
        else:
            found[name] = actuals(conn, model, name, periods, users, env=env, timezone=timezone, windows=windows)
    for definitions in groups.values():
        if len(definitions) == 1 or not periods or users == []:
            for definition in definitions:
                found[definition.name] = actuals(conn, model, definition.name, periods, users, env=env,
                                                 timezone=timezone, windows=windows)
        else:
            found.update(_fused(conn, model, definitions, periods, users, env, timezone, windows))
    return found


def _conditional_sum(measure, argument, condition, share):
    """The SUM of one KPI inside the shared scan: its value where its filter holds, else nothing."""
    if measure.function == "SUM":
        value = argument
    else:  # COUNT() counts rows, COUNT(x) rows where x is set
        value = sa.literal(1) if argument is None else sa.case((argument.is_not(None), 1), else_=sa.null())
    if share is not None:
        value = value * share
    if condition is not None:
        value = sa.case((condition, value), else_=sa.null())
    return sa.func.sum(value)


def _fused(conn, model, definitions, periods, users, env, timezone, windows):
    doc = definitions[0].doc
    obj = model.objects[doc["object"]]
    binder = TableBinder(model, obj, env, conn.dialect.name)
    compiled = [(compile_sql(d.measure.argument, binder, env) if d.measure.argument is not None else None,
                 compile_sql_filter(d.filter, binder, env) if d.filter is not None else None) for d in definitions]
    source, person, share = _credit(model, obj, binder, doc["credit"])
    columns = [_conditional_sum(d.measure, argument, condition, share).label(f"v{i}")
               for i, (d, (argument, condition)) in enumerate(zip(definitions, compiled))]
    conditions = [condition for _, condition in compiled]
    wanted = [] if any(c is None for c in conditions) else [sa.or_(*conditions)]
    query = union(grouped_parts(obj, doc, binder, (source, person), periods, timezone, columns, wanted,
                                in_sql(users, share), windows))
    sums, kept = {d.name: {} for d in definitions}, None if users is None else set(users)
    for row in conn.execute(query):
        if kept is not None and row.person not in kept:
            continue
        for i, d in enumerate(definitions):
            value = row[i + 2]
            if value is not None:
                value = Decimal(str(value))
                sums[d.name][(row.person, periods[row.idx].id)] = _WIDE.divide(value, _HUNDRED) if share is not None \
                    else value
    _add_adjustments(conn, sums, periods, users, windows)
    return {d.name: _finished(d, sums[d.name], periods, users) for d in definitions}


def _add_adjustments(conn, sums, periods, users, windows):
    """Add every adjustment of the KPIs in ``sums`` to the person and period of its date (for
    people in ``windows``, only on their days): one query."""
    parts = [_adjustments(period_ranges(periods, False, "UTC", "adjustment_periods"), sorted(sums), users,
                          windows or ())]
    spans = window_ranges(periods, windows, False, "UTC", "adjustment_windows") if windows else None
    if spans is not None:
        parts.append(_adjustments(spans, sorted(sums), None, ()))
    for row in conn.execute(union(parts)):
        key = (row.user_id, periods[row.idx].id)
        sums[row.kpi][key] = sums[row.kpi].get(key, Decimal(0)) + Decimal(str(row.value))


def _adjustments(ranges, kpis, users, skip):
    table = kpi_adjustment
    on = [table.c.day >= ranges.c.start, table.c.day < ranges.c.stop]
    if "person" in ranges.c:
        on.append(table.c.user_id == ranges.c.person)
    value = sa.func.sum(sa.cast(table.c.value, sa.Numeric(38, 10)))
    query = (sa.select(table.c.kpi, table.c.user_id, ranges.c.idx, value.label("value"))
             .select_from(table.join(ranges, sa.and_(*on)))
             .where(table.c.kpi.in_(kpis))
             .group_by(table.c.kpi, table.c.user_id, ranges.c.idx))
    if users is not None:
        query = query.where(table.c.user_id.in_(sorted(set(users))))
    if skip:
        query = query.where(table.c.user_id.not_in(sorted(skip)))
    return query


def _finished(definition, sums, periods, users):
    found = {key: _scaled(value, definition.scale) for key, value in sums.items()}
    for user_id in users or ():
        for period in periods:
            found.setdefault((user_id, period.id), empty_value(definition))
    return found
