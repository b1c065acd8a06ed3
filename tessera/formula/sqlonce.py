"""Evaluate an SQL expression once and refer to its value several times.

Many SQL forms of the formula functions use an argument more than once (a CASE that
tests a value and then returns it). Inlined, nesting such forms multiplies the SQL text
and the work. `once_each` instead builds a Once construct, which renders on PostgreSQL as

    (SELECT <body> FROM (SELECT <expr> AS v0, ... OFFSET 0) AS once_<n>)

where the body reads `once_<n>.v0`, ...; OFFSET 0 keeps the planner from pulling the
derived table up and copying `expr` back into each reference. On SQLite, whose parser
stack overflows on a few levels of nested subqueries, the Once constructs reachable from
an outermost one become the entries of a single WITH list instead (see _WithList), each
ending in LIMIT -1 OFFSET 0, which likewise stops SQLite from flattening it.

The parts render in the enclosing statement's scope, so subqueries inside `expr`
correlate to the enclosing query exactly as they would inline. A reference knows its
Once by level: 1 + the highest level of the Once constructs inside it, so the innermost
enclosing Once of a given level is always the one that made the reference, and the SQL
depends on the structure only, which keeps SQLAlchemy's statement cache effective.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

# Compiler options that matter to the parts; the rest describe the enclosing position.
_FORWARDED_OPTIONS = ("literal_binds", "literal_execute")


class OnceValue(sa.sql.expression.ColumnElement):
    """A reference to value `index` of the enclosing Once (set up by once_each)."""

    __visit_name__ = "tessera_once_value"
    inherit_cache = True
    _traverse_internals = [("level", InternalTraversal.dp_plain_obj),
                           ("index", InternalTraversal.dp_plain_obj),
                           ("type", InternalTraversal.dp_type)]

    def __init__(self, index: int, type_: Any):
        self.index, self.type, self.level = index, type_, 0


class Once(sa.sql.expression.ColumnElement):
    """`body` computed from `values`, each evaluated once per evaluation of the whole."""

    __visit_name__ = "tessera_once"
    inherit_cache = True
    _traverse_internals = [("values", InternalTraversal.dp_clauseelement_tuple),
                           ("body", InternalTraversal.dp_clauseelement),
                           ("level", InternalTraversal.dp_plain_obj)]

    def __init__(self, values: tuple, body: Any, level: int):
        self.values, self.body, self.level, self.type = values, body, level, body.type

    @property
    def _from_objects(self) -> list:
        froms = [f for v in self.values for f in v._from_objects]
        return froms + self.body._from_objects


class _Rendering:
    """What one compilation knows while it renders Once constructs."""

    def __init__(self) -> None:
        self.count = 0
        self.aliases: dict[int, str] = {}  # level -> alias of the innermost Once of that level
        self.with_list: _WithList | None = None

    def new_alias(self) -> str:
        self.count += 1
        return f"once_{self.count}"


class _WithList:
    """SQLite: the common table expressions of one scalar subquery, in dependency order.

    SQLite's parser has a small fixed stack, which nested subqueries exhaust after a few
    levels; the entries of a WITH list do not nest, so every Once reachable from the
    outermost one (without entering another SELECT) becomes an entry of one list.
    """

    def __init__(self, depth: int):
        self.depth = depth          # the compiler's SELECT nesting where the list lives
        self.entries: list[str] = []
        self.defined: set[str] = set()
        self.used: set[str] = set()  # entries the SELECT being rendered reads from


def _rendering(compiler: Any) -> _Rendering:
    state = getattr(compiler, "_tessera_once", None)
    if state is None:
        state = compiler._tessera_once = _Rendering()
    return state


@compiles(OnceValue)
def _compile_value(element: OnceValue, compiler: Any, **kw: Any) -> str:
    state = _rendering(compiler)
    alias = state.aliases[element.level]
    if state.with_list is not None and alias in state.with_list.defined:
        state.with_list.used.add(alias)
    return f"{alias}.v{element.index}"


@compiles(Once)
def _compile_once(element: Once, compiler: Any, **kw: Any) -> str:
    options = {k: kw[k] for k in _FORWARDED_OPTIONS if k in kw}
    state = _rendering(compiler)
    if compiler.dialect.name != "sqlite":
        return _nested(element, compiler, state, options)
    outer = state.with_list
    if outer is not None and outer.depth == len(compiler.stack):
        return _hoisted(element, compiler, state, options)
    state.with_list = with_list = _WithList(len(compiler.stack))
    try:
        body = _hoisted(element, compiler, state, options)
    finally:
        state.with_list = outer
    return f"(WITH {', '.join(with_list.entries)} SELECT {body}{_from(with_list.used)})"


def _nested(element: Once, compiler: Any, state: _Rendering, options: dict) -> str:
    """(SELECT body FROM (SELECT values OFFSET 0) AS alias)."""
    columns = _columns(element, compiler, options)
    alias = state.new_alias()
    body = _with_alias(element, alias, compiler, state, options)
    return f"(SELECT {body} FROM (SELECT {columns} OFFSET 0) AS {alias})"


def _hoisted(element: Once, compiler: Any, state: _Rendering, options: dict) -> str:
    """Add `element`'s values to the WITH list being built; return its body, which
    reads them (the caller's SELECT takes the entry into its FROM list)."""
    with_list = state.with_list
    outer_used, with_list.used = with_list.used, set()
    columns = _columns(element, compiler, options)
    alias = state.new_alias()
    with_list.entries.append(f"{alias} AS (SELECT {columns}{_from(with_list.used)} LIMIT -1 OFFSET 0)")
    with_list.defined.add(alias)
    with_list.used = outer_used
    return _with_alias(element, alias, compiler, state, options)


def _from(names: set) -> str:
    return f" FROM {', '.join(sorted(names))}" if names else ""


def _columns(element: Once, compiler: Any, options: dict) -> str:
    return ", ".join(f"{compiler.process(value, **options)} AS v{i}"
                     for i, value in enumerate(element.values))


def _with_alias(element: Once, alias: str, compiler: Any, state: _Rendering,
                options: dict) -> str:
    """`element`'s body, its references rendered as columns of `alias`."""
    hidden = state.aliases.get(element.level)
    state.aliases[element.level] = alias
    try:
        return compiler.process(element.body, **options)
    finally:
        if hidden is None:
            del state.aliases[element.level]
        else:
            state.aliases[element.level] = hidden


def once_each(exprs: Sequence[Any], build: Callable[..., Any],
              inline: Callable[[Any], bool]) -> Any:
    """build(*values) where each value is `exprs[i]` itself when inline(exprs[i]) holds,
    else a reference to it evaluated once. Plain build(*exprs) when every one is inline."""
    shared = [i for i, expr in enumerate(exprs) if not inline(expr)]
    if not shared:
        return build(*exprs)
    refs = {i: OnceValue(n, exprs[i].type) for n, i in enumerate(shared)}
    body = build(*[refs.get(i, expr) for i, expr in enumerate(exprs)])
    values = tuple(exprs[i] for i in shared)
    level = 1 + max((_height(part) for part in (*values, body)), default=0)
    for ref in refs.values():
        ref.level = level
    return Once(values, body, level)


def _height(expr: Any) -> int:
    """The highest level of the Once constructs inside `expr` (0 when none)."""
    return max((e.level for e in sa.sql.visitors.iterate(expr) if isinstance(e, Once)),
               default=0)
