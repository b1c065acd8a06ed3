"""The rows a list query would reach, as SQL: what lists, counts, aggregates and exports select from.

A selection applies exactly what the access policy decides for reading (the object's
read right, the token's scope, the reader's row condition) and the list query's
equality filters and ``filter`` formula (both refused with FieldAccessDenied when they
name a field the reader may not read).
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..schema.formulas import TableBinder
from .query import equality_filters
from .search import search_condition


@dataclass
class Selection:
    """An object's rows as one reader may see them, narrowed by a list query's filters."""

    model: object
    obj: object
    readable: list
    binder: TableBinder
    conditions: list

    def where(self, query):
        """``query`` selecting from the object's table (and the filter's joins) with every condition."""
        query = query.select_from(self.binder.from_clause)
        return query.where(*self.conditions) if self.conditions else query


def select_rows(runtime, conn, ctx, object_name, *, filters=None, formula=None, search=None, listing=False):
    """The Selection of ``object_name`` for ``ctx``; raises as ``RecordService.list`` does.
    ``search`` keeps the records one of whose searchable fields starts with it (``search.py``);
    ``listing``: the rows are read as a page in an order (not counted or aggregated)."""
    model, obj = runtime.object_for(conn, object_name)
    reach = runtime.access.records(conn, ctx, obj)
    binder = TableBinder(model, obj, runtime.eval_env(ctx), conn.dialect.name)
    conditions = equality_filters(obj, filters or {}, reach.readable)
    if formula:
        conditions.append(runtime.access.reader_filter(conn, ctx, model, obj, formula, binder))
    found = search_condition(obj, reach.readable, search, conn.dialect.name, listing_on=conn if listing else None)
    if found is not None:
        conditions.append(found)
    if reach.condition is not None:
        conditions.append(reach.condition)
    return Selection(model, obj, reach.readable, binder, conditions)


def matching_ids(runtime, conn, ctx, object_name, formula, record_ids):
    """The ids among ``record_ids`` of the ``object_name`` records ``ctx`` may read that meet
    the boolean ``formula`` now."""
    selection = select_rows(runtime, conn, ctx, object_name, formula=formula)
    table = selection.obj.table
    return set(conn.execute(selection.where(select(table.c.id)).where(table.c.id.in_(record_ids))).scalars())
