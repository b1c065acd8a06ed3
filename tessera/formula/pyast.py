"""Tiny constructors for the Python `ast` nodes the Python compiler generates."""
from __future__ import annotations

import ast

NONE = ast.Constant(None)
TRUE = ast.Constant(True)
FALSE = ast.Constant(False)


def name(identifier: str) -> ast.Name:
    return ast.Name(identifier, ast.Load())


def walrus(identifier: str, value: ast.expr) -> ast.NamedExpr:
    return ast.NamedExpr(ast.Name(identifier, ast.Store()), value)


def is_none(value: ast.expr) -> ast.expr:
    return is_(value, None)


def is_not_none(value: ast.expr) -> ast.expr:
    if isinstance(value, ast.Constant):
        return ast.Constant(value.value is not None)
    return ast.Compare(value, [ast.IsNot()], [ast.Constant(None)])


def is_(value: ast.expr, constant) -> ast.expr:
    """`value is constant`; folded when value is itself a constant ("1 is None" warns)."""
    if isinstance(value, ast.Constant):
        return ast.Constant(value.value is constant)
    return ast.Compare(value, [ast.Is()], [ast.Constant(constant)])


def compare(left: ast.expr, op: ast.cmpop, right: ast.expr) -> ast.Compare:
    return ast.Compare(left, [op], [right])


def if_(test: ast.expr, body: ast.expr, orelse: ast.expr) -> ast.IfExp:
    return ast.IfExp(test, body, orelse)


def or_(*values: ast.expr) -> ast.expr:
    return values[0] if len(values) == 1 else ast.BoolOp(ast.Or(), list(values))


def and_(*values: ast.expr) -> ast.expr:
    return values[0] if len(values) == 1 else ast.BoolOp(ast.And(), list(values))


def not_(value: ast.expr) -> ast.UnaryOp:
    return ast.UnaryOp(ast.Not(), value)


def call(func: ast.expr, *args: ast.expr) -> ast.Call:
    return ast.Call(func, list(args), [])


def attr(value: ast.expr, name: str) -> ast.Attribute:
    return ast.Attribute(value, name, ast.Load())


def binop(left: ast.expr, op: ast.operator, right: ast.expr) -> ast.BinOp:
    return ast.BinOp(left, op, right)
