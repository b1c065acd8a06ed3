"""Boolean formulas compiled for use as a filter, where NULL counts as false.

A KPI's filter ends up in a WHERE clause or a ``CASE WHEN``; there a condition that is
NULL keeps the row out exactly as FALSE does. That freedom allows one rewrite the general
compiler may not make: a comparison of a field reached through one lookup with a
constant (``account.region = "North"``) becomes a semi-join on the lookup
(``account IN (SELECT id FROM obj_account WHERE region = 'North')``). The database then
checks each row against a small set instead of joining every row to its target.

Only comparisons in positive positions (the filter itself, or operands of AND / OR under
it) are rewritten: under NOT, inside IF or a function, NULL and FALSE differ. The binder
decides which lookups qualify (``lookup_rows``); a binder without that method, or one
answering None (a reader's guarded lookups, a formula field at the end of the path), gets
the general compilation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from .checker import CheckedFormula
from .nodes import Binary, FieldRef, Literal, Node
from .sqlcompile import _Compiler, _operands, compile_sql, prepared_context
from .sqlsupport import sa_type
from .types import EvalEnv, FormulaType as T

_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")


class _Rebound:
    """A binder answering one lookup path with a column of the lookup's own table."""

    def __init__(self, outer: Any, path: tuple, column: Any):
        self.outer, self.path, self.col = outer, path, column
        self.dialect_name = outer.dialect_name

    def column(self, path: tuple) -> Any:
        return self.col if tuple(path) == self.path else self.outer.column(path)


class _FilterCompiler(_Compiler):
    def condition(self, node: Node) -> Any:
        """The SQL of ``node`` in a positive position of the filter."""
        if isinstance(node, Binary) and node.op in ("and", "or"):
            terms = [self.condition(n) for n in _operands(node, node.op)]
            joined = self.ctx.all_of(*terms) if node.op == "and" else self.ctx.any_of(*terms)
            return sa.type_coerce(sa.sql.elements.Grouping(joined), sa_type(T.BOOLEAN))
        semi = self._semi_join(node)
        return semi if semi is not None else self.expr(node)

    def _semi_join(self, node: Node) -> Any:
        if not (isinstance(node, Binary) and node.op in _COMPARISONS):
            return None
        sides = (node.left, node.right)
        refs = [n for n in sides if isinstance(n, FieldRef) and len(n.path) == 2]
        constants = [n for n in sides if isinstance(n, Literal) and n.value is not None]
        lookup_rows = getattr(self.ctx.binder, "lookup_rows", None)
        if len(refs) != 1 or len(constants) != 1 or lookup_rows is None:
            return None
        found = lookup_rows(*refs[0].path)
        if found is None:
            return None
        key, target, leaf = found
        inner = _Compiler(replace(self.ctx, binder=_Rebound(self.ctx.binder, refs[0].path, leaf)), node)
        return key.in_(sa.select(target.c.id).where(inner._compare(node)))


def compile_sql_filter(checked: CheckedFormula, binder: Any, env: EvalEnv) -> Any:
    """``compile_sql`` of a boolean formula for a place where NULL means false (WHERE, CASE WHEN):
    the same rows pass, and comparisons through one lookup are semi-joins on that lookup."""
    if checked.type != T.BOOLEAN:
        return compile_sql(checked, binder, env)
    ctx = prepared_context(checked, binder, env)
    return _FilterCompiler(ctx, checked.tree).condition(checked.tree)
