"""Syntax tree of a formula. The checker fills in `type` (and resolution details)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import FieldInfo, FormulaType


@dataclass(frozen=True)
class Pos:
    """A source span: 1-based line/column, `end_column` exclusive, plus the token text."""

    line: int
    column: int
    end_column: int
    token: str


@dataclass(eq=False)
class Node:
    pos: Pos
    type: FormulaType | None = field(default=None, init=False)
    depth: int = field(default=1, init=False)
    size: int = field(default=1, init=False)

    def children(self) -> list["Node"]:
        return []


@dataclass(eq=False)
class Literal(Node):
    value: Any
    literal_type: FormulaType


@dataclass(eq=False)
class FieldRef(Node):
    path: tuple[str, ...]
    infos: tuple[FieldInfo, ...] = ()  # resolved chain, one FieldInfo per path element


@dataclass(eq=False)
class GlobalRef(Node):
    name: str  # "today", "now" or "user.<field>"


@dataclass(eq=False)
class Unary(Node):
    op: str
    operand: Node

    def children(self) -> list[Node]:
        return [self.operand]


@dataclass(eq=False)
class Binary(Node):
    op: str
    left: Node
    right: Node

    def children(self) -> list[Node]:
        return [self.left, self.right]


@dataclass(eq=False)
class Call(Node):
    name: str
    args: list[Node]
    spec: Any = None  # FunctionSpec, set by the checker

    def children(self) -> list[Node]:
        return list(self.args)


def walk(node: Node):
    """Yield `node` and all its descendants, parents first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))
