"""Roll-up summary fields: COUNT/SUM/MIN/MAX/AVG of child records, kept exact on every write.

A child write recomputes the roll-ups of the parents it touched (before and after a
re-parenting) with one UPDATE per roll-up, in the same transaction as the write.
"""

from sqlalchemy import func, select, update

from tessera.formula import EvalEnv, check, compile_sql
from tessera.metadata.formulas import scope_for
from tessera.metadata.store import utcnow

from ..schema.formulas import TableBinder

AGGREGATES = {"SUM": func.sum, "MIN": func.min, "MAX": func.max, "AVG": func.avg}


def _filter_formula(model, field_doc):
    key = ("rollup_filter", field_doc["child"], field_doc["filter"])
    if key not in model.cache:
        model.cache[key] = check(field_doc["filter"], scope_for(model.documents, field_doc["child"]), context="filter")
    return model.cache[key]


def value_subquery(conn, model, parent, field_doc):
    """The correlated scalar subquery computing one parent's roll-up value."""
    child = model.objects[field_doc["child"]]
    rows = child.table.alias("rollup_child")
    via = rows.c[field_doc["via"]]
    function = field_doc["function"]
    measure = func.count(rows.c.id) if function == "COUNT" else AGGREGATES[function](rows.c[field_doc["of"]])
    query = select(measure).where(via == parent.table.c.id)
    if field_doc.get("filter"):
        now = utcnow()
        env = EvalEnv(today=now.date(), now=now)
        binder = TableBinder(model, child, env, conn.dialect.name, table=rows)
        condition = compile_sql(_filter_formula(model, field_doc), binder, env)
        query = query.select_from(binder.from_clause).where(condition)
    value = query.scalar_subquery()
    return func.coalesce(value, 0) if function in ("COUNT", "SUM") else value


def recompute(conn, model, parent, field_doc, parent_ids):
    """Recompute roll-up ``field_doc`` of ``parent`` for the records in ``parent_ids``."""
    ids = sorted({i for i in parent_ids if i is not None})
    if not ids:
        return
    value = value_subquery(conn, model, parent, field_doc)
    conn.execute(update(parent.table).where(parent.table.c.id.in_(ids)).values({field_doc["name"]: value}))


def recompute_all(conn, model, parent, field_doc):
    """Recompute a roll-up for every parent record (after it is added or redefined)."""
    value = value_subquery(conn, model, parent, field_doc)
    conn.execute(update(parent.table).values({field_doc["name"]: value}))


def refresh_parents(conn, model, child, rows_before, rows_after):
    """Recompute every roll-up ``child`` feeds, for the parents named before and after a write."""
    for parent_name, field_doc in child.rollups_fed:
        via = field_doc["via"]
        ids = {row.get(via) for row in rows_before} | {row.get(via) for row in rows_after}
        recompute(conn, model, model.objects[parent_name], field_doc, ids)
