"""CheckedFormula -> Python callable, by generating a Python `ast` from the checked tree.

Only names generated here and constants held in the function's namespace appear
in the generated code; user text is never compiled. NULL checks are inlined.
"""
from __future__ import annotations

import ast
import itertools
from decimal import Decimal
from typing import Any, Callable

from . import pyast as P
from . import pyruntime as R
from .checker import CheckedFormula
from .functions import _decimal as D
from .nodes import Binary, Call, FieldRef, GlobalRef, Literal, Node, Unary
from .types import FormulaType as T

_ERRORS = (ArithmeticError, TypeError, ValueError, AttributeError, KeyError)
_CMP = {"=": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}
# + - * and unary minus are exact at any size, as on PostgreSQL: Decimal's operators would
# round to the thread's context (28 digits by default), so the wide context's methods are used.
_ARITH = {"+": D.WIDE.add, "-": D.WIDE.subtract, "*": D.WIDE.multiply}
_NEGATE = D.WIDE.minus
_TEMPORAL = {
    ("+", T.DATE): R.add_days, ("-", T.DATE): R.sub_days,
    ("+", T.DATETIME): R.add_days_dt, ("-", T.DATETIME): R.sub_days_dt,
}


class _Module:
    """Shared state of one compilation: the namespace and generated functions."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_ERRORS": _ERRORS, "_eval_error": R.eval_error}
        self.functions: list[ast.FunctionDef] = []
        self._ids = itertools.count()

    def const(self, value: Any) -> ast.Name:
        for key, existing in self.namespace.items():
            if existing is value and key.startswith("_k"):
                return P.name(key)
        key = f"_k{next(self._ids)}"
        self.namespace[key] = value
        return P.name(key)

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"


class Emitter:
    """Builds the body of one generated function `(rec, env)`; inline function emitters use it."""

    def __init__(self, module: _Module, rows: bool = False):
        self.module = module
        self.rows = rows
        self.prologue: list[ast.stmt] = []
        self.locals: dict[Any, str] = {}

    # plumbing used by inline emitters --------------------------------
    def const(self, value: Any) -> ast.expr:
        if value is None or isinstance(value, (bool, str, int)):
            return ast.Constant(value)
        return self.module.const(value)

    def temp(self) -> str:
        return self.module.fresh("_t")

    def env(self) -> ast.Name:
        return P.name("env")

    def record(self) -> ast.Name:
        return P.name("rec")

    def local(self, key: Any, value: ast.expr) -> ast.Name:
        """A local computed once in the prologue (fields, globals)."""
        if key not in self.locals:
            ident = self.module.fresh("_v")
            self.locals[key] = ident
            self.prologue.append(ast.Assign([ast.Name(ident, ast.Store())], value))
        return P.name(self.locals[key])

    def never_null(self, node: Node) -> bool:
        if isinstance(node, Literal):
            return node.value is not None
        if isinstance(node, GlobalRef):
            return node.name in ("today", "now")
        if isinstance(node, Call):
            return bool(node.spec and node.spec.never_null)
        return isinstance(node, Binary) and node.op == "&"

    def strict(self, nodes: list[Node], build: Callable[[list[ast.expr]], ast.expr]) -> ast.expr:
        """NULL if any of `nodes` is NULL, else build(values) - evaluating each node once."""
        values, tests = [], []
        for node in nodes:
            value = self.expr(node)
            if self.never_null(node):
                values.append(value)
            elif isinstance(value, ast.Name):
                tests.append(P.is_none(value))
                values.append(value)
            else:
                ident = self.temp()
                tests.append(P.is_none(P.walrus(ident, value)))
                values.append(P.name(ident))
        body = build(values)
        return P.if_(P.or_(*tests), P.NONE, body) if tests else body

    def call_impl(self, fn: Callable, args: list[ast.expr], env: bool = False) -> ast.expr:
        return P.call(self.const(fn), *([self.env()] if env else []), *args)

    # node dispatch ---------------------------------------------------
    def expr(self, node: Node) -> ast.expr:
        return getattr(self, "_" + type(node).__name__)(node)

    def _Literal(self, node: Literal) -> ast.expr:
        return self.const(node.value)

    def _FieldRef(self, node: FieldRef) -> ast.expr:
        if len(node.path) == 1:
            get = P.call(ast.Attribute(self.record(), "get", ast.Load()), ast.Constant(node.path[0]))
            return self.local(node.path, get)
        hops = tuple((info.name, info.target) for info in node.infos[:-1])
        return P.call(self.const(R.lookup), self.env(), self.record(), self.const(hops),
                      ast.Constant(node.path[-1]))

    def _GlobalRef(self, node: GlobalRef) -> ast.expr:
        if node.name == "today":
            value = ast.Attribute(self.env(), "today", ast.Load())
        elif node.name == "now":
            value = P.call(self.const(R.now), self.env())
        else:
            user = ast.Attribute(self.env(), "user", ast.Load())
            value = P.call(ast.Attribute(user, "get", ast.Load()), ast.Constant(node.name[5:]))
        return self.local(("$", node.name), value)

    def _Unary(self, node: Unary) -> ast.expr:
        if node.op == "+":
            return self.expr(node.operand)
        if node.op == "not":
            return self.strict([node.operand], lambda v: ast.UnaryOp(ast.Not(), v[0]))
        return self.strict([node.operand], lambda v: P.call(self.const(_NEGATE), v[0]))

    def _Binary(self, node: Binary) -> ast.expr:
        op, lt, rt = node.op, node.left.type, node.right.type
        if op == "&":
            parts = [self.expr(n) if self.never_null(n) else P.or_(self.expr(n), ast.Constant(""))
                     for n in (node.left, node.right)]
            return P.binop(parts[0], ast.Add(), parts[1])
        if op in ("and", "or"):
            return self._logical(op, [node.left, node.right])
        if op in _CMP:
            return self.strict([node.left, node.right],
                               lambda v: P.compare(v[0], _CMP[op](), v[1]))
        return self._arithmetic(node, op, lt, rt)

    def _arithmetic(self, node: Binary, op: str, lt: T, rt: T) -> ast.expr:
        pair = [node.left, node.right]
        if lt == T.DATE and rt == T.DATE:
            return self.strict(pair, lambda v: self.days(v[0], v[1]))
        if lt == T.DATETIME and rt == T.DATETIME:
            return self.strict(pair, lambda v: self.call_impl(R.days_between_dt, v))
        if lt in (T.DATE, T.DATETIME) or rt in (T.DATE, T.DATETIME):
            if rt in (T.DATE, T.DATETIME):  # number + date
                pair, lt = pair[::-1], rt
            fn = _TEMPORAL[(op, lt)]
            return self.strict(pair, lambda v: self.call_impl(fn, v))
        if op == "/":
            return self._divide(node)
        if op == "^":
            return self.strict(pair, lambda v: self.call_impl(D.power, v))
        return self.strict(pair, lambda v: P.call(self.const(_ARITH[op]), *v))

    def days(self, later: ast.expr, earlier: ast.expr) -> ast.expr:
        """Decimal((later - earlier).days) for two dates."""
        delta = P.binop(later, ast.Sub(), earlier)
        return P.call(self.const(Decimal), ast.Attribute(delta, "days", ast.Load()))

    def _divide(self, node: Binary) -> ast.expr:
        left = self.expr(node.left)
        right = self.expr(node.right)
        tests, args = [], []
        if not self.never_null(node.left):
            ident = self.temp()
            tests.append(P.is_none(P.walrus(ident, left)))
            left = P.name(ident)
        ident = self.temp()
        tests.append(P.not_(P.walrus(ident, right)))  # NULL or zero divisor
        return P.if_(P.or_(*tests), P.NONE, self.call_impl(D.div, [left, P.name(ident)]))

    def _logical(self, op: str, nodes: list[Node]) -> ast.expr:
        """SQL three-valued AND/OR: a decisive value wins, else NULL if any NULL."""
        decisive = op == "or"
        idents = [self.temp() for _ in nodes]
        hits = [P.is_(P.walrus(i, self.expr(n)), decisive) for i, n in zip(idents, nodes)]
        any_null = P.or_(*[P.is_none(P.name(i)) for i in idents])
        rest = P.if_(any_null, P.NONE, ast.Constant(not decisive))
        return P.if_(P.or_(*hits), ast.Constant(decisive), rest)

    def logical(self, op: str, nodes: list[Node]) -> ast.expr:
        """Public entry for AND()/OR() inline emitters."""
        return self._logical(op, nodes)

    def _Call(self, node: Call) -> ast.expr:
        spec = node.spec
        if spec.aggregate:
            return self._aggregate(node)
        if spec.inline_python is not None:
            return spec.inline_python(self, node)
        if spec.strict:
            return self.strict(node.args, lambda v: self.call_impl(spec.python, v, spec.needs_env))
        return self.call_impl(spec.python, [self.expr(a) for a in node.args], spec.needs_env)

    def _aggregate(self, node: Call) -> ast.expr:
        rows = P.name("rec")
        if not node.args:
            return self.call_impl(node.spec.python, [rows])
        inner = self.module.fresh("_row")
        _build_function(self.module, inner, node.args[0], rows=False)
        values = P.call(self.const(R.values), rows, self.env(), P.name(inner))
        return self.call_impl(node.spec.python, [values])


def _build_function(module: _Module, fname: str, node: Node, rows: bool) -> None:
    emitter = Emitter(module, rows=rows)
    value = emitter.expr(node)
    body = emitter.prologue + [ast.Return(value)]
    handler = ast.ExceptHandler(
        P.name("_ERRORS"), "_exc",
        [ast.Raise(P.call(P.name("_eval_error"), P.name("_exc")), P.name("_exc"))])
    guarded = ast.Try(body, [handler], [], [])
    args = ast.arguments([], [ast.arg("rec"), ast.arg("env")], None, [], [], None, [])
    module.functions.append(ast.FunctionDef(fname, args, [guarded], [], None, None))


def compile_python(checked: CheckedFormula) -> Callable[[Any, Any], Any]:
    """Compile a checked formula to a Python function `f(record, env)`.

    `record` maps field names to values (missing fields read as NULL); in the
    aggregate context the first argument is a sequence of records instead.
    Errors during evaluation surface as FormulaEvalError.
    """
    module = _Module()
    _build_function(module, "_formula", checked.tree, rows=checked.context == "aggregate")
    tree = ast.fix_missing_locations(ast.Module(module.functions, []))
    code = compile(tree, "<formula>", "exec")
    namespace = dict(module.namespace)
    exec(code, namespace)  # code generated from our own AST, never from user text
    fn = namespace["_formula"]
    fn.__doc__ = checked.source
    return fn
