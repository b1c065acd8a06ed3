"""The rows a list query would reach, as SQL: what count and aggregate select from.

A selection applies exactly what ``RecordService.list`` applies: the object's read right,
the equality filters and the ``filter`` formula (both refused with FieldAccessDenied when
they name a field the reader may not read) and the reader's row filter.
"""

from dataclasses import dataclass

from ..schema.formulas import TableBinder, formula_filter
from .query import equality_filters


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


def select_rows(runtime, conn, ctx, object_name, *, filters=None, formula=None):
    """The Selection of ``object_name`` for ``ctx``; raises as ``RecordService.list`` does."""
    model, obj = runtime.object_for(conn, object_name)
    runtime.access.check_object(ctx, obj, "read")
    readable = runtime.access.readable_fields(ctx, obj)
    binder = TableBinder(model, obj, runtime.eval_env(ctx), conn.dialect.name)
    conditions = equality_filters(obj, filters or {}, readable)
    if formula:
        conditions.append(formula_filter(runtime, conn, model, obj, formula, ctx, binder=binder))
    row_filter = runtime.access.row_filter(ctx, obj, conn)
    if row_filter is not None:
        conditions.append(row_filter)
    return Selection(model, obj, readable, binder, conditions)
