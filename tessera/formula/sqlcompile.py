"""CheckedFormula -> SQLAlchemy Core expression for SQLite and PostgreSQL."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .checker import CheckedFormula
from .errors import FormulaError, make_diagnostic
from .nodes import Binary, Call, FieldRef, GlobalRef, Literal, Node, Unary, walk
from .sqlsupport import SqlContext, difference, sa_type, shift, utc_naive
from .types import EvalEnv, FormulaType as T

_TEMPORAL = (T.DATE, T.DATETIME)
SQLITE_MAX_DEPTH = 16  # SQLite's parser stack overflows on deeper nested CASE expressions


@dataclass
class SqlCall:
    """What a function's SQL form receives: compiled arguments, their nodes and the context."""

    ctx: SqlContext
    args: list[Any]
    nodes: list[Node]

    @property
    def types(self) -> list[T]:
        return [n.type for n in self.nodes]


class _Compiler:
    def __init__(self, ctx: SqlContext, tree: Node):
        self.ctx = ctx
        self.parents = {id(child): node for node in walk(tree) for child in node.children()}

    def expr(self, node: Node) -> Any:
        result = getattr(self, "_" + type(node).__name__)(node)
        if node.type in (None, T.NULL):
            return result
        if node.type == T.BOOLEAN:
            # SQLAlchemy negates a type-coerced clause without parentheses; group it first.
            result = sa.sql.elements.Grouping(result)
        return sa.type_coerce(result, sa_type(node.type))

    def _Literal(self, node: Literal) -> Any:
        return self.ctx.literal(node.value, node.type or node.literal_type)

    def _FieldRef(self, node: FieldRef) -> Any:
        return self.ctx.binder.column(node.path)

    def _GlobalRef(self, node: GlobalRef) -> Any:
        env = self.ctx.env
        if node.name == "today":
            return self.ctx.literal(env.today, T.DATE)
        if node.name == "now":
            return self.ctx.literal(utc_naive(env.now), T.DATETIME)
        return self.ctx.literal((env.user or {}).get(node.name[5:]), node.type)

    def _Unary(self, node: Unary) -> Any:
        operand = self.expr(node.operand)
        if node.op == "not":
            # Explicit grouping: SQLAlchemy negates a type-coerced clause without parentheses.
            return sa.not_(sa.sql.elements.Grouping(operand))
        return operand if node.op == "+" else -operand

    def _Binary(self, node: Binary) -> Any:
        op = node.op
        if op not in ("and", "or", "&") and _has_null_literal(node.children()):
            return self.ctx.literal(None, node.type)  # NULL in, NULL out: fold statically
        if op in ("and", "or"):
            terms = [self.expr(n) for n in _operands(node, op)]
            return self.ctx.all_of(*terms) if op == "and" else self.ctx.any_of(*terms)
        if op == "&":
            parts = [self.expr(n) if isinstance(n, Literal) and n.value is not None
                     else sa.func.coalesce(self.expr(n), "") for n in (node.left, node.right)]
            return self.ctx.concat(*parts)
        if op in ("=", "!=", "<", "<=", ">", ">="):
            return self._compare(node)
        return self._arithmetic(node)

    def _compare(self, node: Binary) -> Any:
        if any(isinstance(n, Literal) and n.value is None for n in (node.left, node.right)):
            return self.ctx.literal(None, T.BOOLEAN)
        left, right = self.expr(node.left), self.expr(node.right)
        if node.op not in ("=", "!="):
            left = self.ctx.ordered(left, node.left.type)
            right = self.ctx.ordered(right, node.right.type)
        return left.op(node.op if node.op != "!=" else "<>", is_comparison=True)(right)

    def _arithmetic(self, node: Binary) -> Any:
        op, lt, rt = node.op, node.left.type, node.right.type
        left, right = self.expr(node.left), self.expr(node.right)
        if lt in _TEMPORAL and rt in _TEMPORAL:
            return difference(self.ctx, left, right, lt)
        if lt in _TEMPORAL or rt in _TEMPORAL:
            if rt in _TEMPORAL:
                left, right, lt = right, left, rt
            return shift(self.ctx, left, right if op == "+" else -right, lt)
        if op == "/":
            return self.ctx.divide(left, right)
        if op == "^":
            from .functions.math import power_sql
            return power_sql(self.ctx, left, right)
        ops = {"+": sa.sql.operators.add, "-": sa.sql.operators.sub, "*": sa.sql.operators.mul}
        result = ops[op](left, right)
        # On SQLite a chain of + - * is snapped once, by its outermost operator.
        return result if self._in_chain(node) else self.ctx.snap(result)

    def _in_chain(self, node: Binary) -> bool:
        parent = self.parents.get(id(node))
        return (isinstance(parent, Binary) and parent.op in ("+", "-", "*")
                and parent.left.type not in _TEMPORAL and parent.right.type not in _TEMPORAL)

    def _Call(self, node: Call) -> Any:
        if node.spec.strict and not node.spec.aggregate and _has_null_literal(node.args):
            return self.ctx.literal(None, node.type)
        args = [self.expr(arg) for arg in node.args]
        result = node.spec.sql(SqlCall(self.ctx, args, node.args))
        if node.spec.aggregate:
            self.ctx.mark_aggregate(result)
        return result


def sql_depth(node: Node) -> int:
    """Nesting depth of the generated SQL: an IF/IFS in the else branch of another is
    merged into one CASE and so adds no depth."""
    kids = node.children()
    if not kids:
        return 1
    depths = [sql_depth(k) for k in kids]
    if isinstance(node, Call) and node.name in ("IF", "IFS") and (len(kids) % 2 == 1):
        last = kids[-1]
        if isinstance(last, Call) and last.name in ("IF", "IFS"):
            depths[-1] -= 1
    return 1 + max(depths)


def _operands(node: Node, op: str) -> list[Node]:
    """The operands of a chain of one logical operator: a && b AND c -> [a, b, c]."""
    if isinstance(node, Binary) and node.op == op:
        return _operands(node.left, op) + _operands(node.right, op)
    return [node]


def _has_null_literal(nodes: list[Node]) -> bool:
    return any(isinstance(n, Literal) and n.value is None for n in nodes)


def compile_sql(checked: CheckedFormula, binder: Any, env: EvalEnv) -> Any:
    """Translate a checked formula into a SQLAlchemy ColumnElement for `binder`'s dialect.

    Field paths are resolved through `binder.column(path)`; `$user`, `$today`,
    `$now`, TODAY() and NOW() become bound parameters taken from `env`. Raises
    FormulaError (code "not_pushable") when the formula uses a Python-only function.
    SQLite needs install_sqlite_functions() on each connection.
    """
    ctx = prepared_context(checked, binder, env)
    compiler = _Compiler(ctx, checked.tree)
    return sa.type_coerce(compiler.expr(checked.tree), sa_type(checked.type))


def prepared_context(checked: CheckedFormula, binder: Any, env: EvalEnv) -> SqlContext:
    """The compilation context of ``checked``, after refusing what SQL cannot compute."""
    if not checked.pushable:
        names = ", ".join(sorted(checked.python_only))
        raise FormulaError([make_diagnostic(checked.source, "not_pushable", 1, 1, 2, "",
                                            names=names)])
    if binder.dialect_name == "sqlite" and sql_depth(checked.tree) > SQLITE_MAX_DEPTH:
        p = checked.tree.pos
        raise FormulaError([make_diagnostic(checked.source, "too_deep_for_sql", p.line, p.column,
                                            p.end_column, p.token, limit=SQLITE_MAX_DEPTH)])
    return SqlContext(binder.dialect_name, binder, env)
