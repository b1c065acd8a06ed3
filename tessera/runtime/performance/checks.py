"""Data-quality checks of a KPI's inputs: split shares that do not total 100 %."""

from decimal import Decimal

import sqlalchemy as sa

from tessera.formula import compile_sql
from tessera.metadata.fieldtypes import numeric_shape

from ..schema.formulas import TableBinder
from .actuals import share_points

#: The most records one check lists.
MAX_LISTED = 1000
_HUNDRED = 100


def split_share_problems(conn, model, definition, env):
    """``[{"check": "split_shares", "ok", "records": [{"id", "shares"}], "truncated"}]`` for a
    split-credited KPI: each measured record (matching the KPI's filter) whose split
    shares do not total 100, none counting as 0; an empty list for other KPIs."""
    credit = definition.doc.get("credit") or {}
    if "split" not in credit:
        return []
    split = credit["split"]
    obj = model.objects[definition.doc["object"]]
    binder = TableBinder(model, obj, env, conn.dialect.name)
    conditions = [compile_sql(definition.filter, binder, env)] if definition.filter is not None else []
    child = model.objects[split["object"]].table.alias("credit_split")
    total = sa.func.coalesce(sa.func.sum(share_points(model, split, child)), 0)
    query = (sa.select(obj.table.c.id, total.label("shares"))
             .select_from(binder.from_clause.outerjoin(child, child.c[split["parent"]] == obj.table.c.id))
             .where(*conditions).group_by(obj.table.c.id).having(total != _HUNDRED)
             .order_by(obj.table.c.id).limit(MAX_LISTED + 1))
    rows = conn.execute(query).all()
    exponent = Decimal(1).scaleb(-numeric_shape(model.objects[split["object"]].fields[split["percent"]])[1])
    records = [{"id": row.id, "shares": str(Decimal(str(row.shares)).quantize(exponent))} for row in rows[:MAX_LISTED]]
    return [{"check": "split_shares", "ok": not records, "records": records, "truncated": len(rows) > MAX_LISTED}]
