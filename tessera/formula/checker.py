"""Name resolution and static type checking: source + Scope -> CheckedFormula."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from tessera.i18n import Message

from . import operators
from .errors import Diagnostic, FormulaError, make_diagnostic
from .functions import registry
from .functions.registry import PARAM_CLASSES, ArgumentError, TypeCall
from .nodes import Binary, Call, FieldRef, GlobalRef, Literal, Node, Unary
from .parser import parse
from .types import FieldInfo, FormulaType as T, Scope, is_assignable

#: Where a formula may be used; what a context expects (e.g. a boolean filter) follows from it.
CONTEXTS = ("field", "filter", "validation", "aggregate", "automation")
_BOOLEAN_CONTEXTS = ("filter", "validation")
_PARAM_DEFAULT = {"number": T.NUMBER, "text": T.TEXT, "boolean": T.BOOLEAN, "date": T.DATE,
                  "datetime": T.DATETIME, "temporal": T.DATE}


@dataclass(eq=False)
class CheckedFormula:
    """A formula that parsed and type-checked against a Scope.

    `type` is the result type (the `expected` type when one was given);
    `references` holds every field path read, e.g. {("amount",), ("account", "region")};
    `pushable` tells whether compile_sql can translate it; `context` is the check context.
    """

    type: T
    source: str
    references: frozenset[tuple[str, ...]]
    pushable: bool
    context: str
    tree: Node = field(repr=False)
    scope: Scope = field(repr=False)
    python_only: frozenset[str] = frozenset()


def _hint(name: str, candidates) -> dict:
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not match:
        return {}
    return {"hint": Message("formula.hint.did_you_mean", name=match[0])}


class _Checker:
    def __init__(self, source: str, scope: Scope, context: str):
        self.source, self.scope, self.context = source, scope, context
        self.diagnostics: list[Diagnostic] = []
        self.references: set[tuple[str, ...]] = set()
        self.python_only: set[str] = set()
        self.aggregate_depth = 0

    def error(self, node: Node, code: str, column: int | None = None,
              token: str | None = None, **params) -> None:
        p = node.pos
        token = p.token if token is None else token
        col = p.column if column is None else column
        end = p.end_column if column is None else col + len(token)
        self.diagnostics.append(make_diagnostic(self.source, code, p.line, col, end, token, **params))

    def visit(self, node: Node) -> T | None:
        """Type `node` (storing it on node.type); None means an error was reported."""
        result = getattr(self, "visit_" + type(node).__name__)(node)
        node.type = result
        return result

    def visit_Literal(self, node: Literal) -> T:
        return node.literal_type

    def visit_GlobalRef(self, node: GlobalRef) -> T | None:
        head, _, rest = node.name.partition(".")
        if head in ("today", "now") and not rest:
            return T.DATE if head == "today" else T.DATETIME
        if head == "user" and rest in self.scope.user_fields:
            return self.scope.user_fields[rest].type
        names = ["today", "now"] + [f"user.{k}" for k in self.scope.user_fields]
        self.error(node, "unknown_global", name=node.name, **_hint(node.name, names))
        return None

    def visit_FieldRef(self, node: FieldRef) -> T | None:
        if self.context == "aggregate" and self.aggregate_depth == 0:
            self.error(node, "field_outside_aggregate", name=".".join(node.path))
            return None
        infos = self._resolve(node)
        if infos is None:
            return None
        node.infos = infos
        node.path = tuple(info.name for info in infos)
        self.references.add(node.path)
        return infos[-1].type

    def _resolve(self, node: FieldRef) -> tuple[FieldInfo, ...] | None:
        hops = len(node.path) - 1
        if hops > self.scope.max_hops:
            self.error(node, "too_many_hops", path=".".join(node.path), hops=hops,
                       limit=self.scope.max_hops)
            return None
        obj, infos, column = self.scope.root, [], node.pos.column
        for i, name in enumerate(node.path):
            fields = self.scope.objects.get(obj, {})
            info = _find_field(fields, name)
            if info is None:
                self.error(node, "unknown_field", column, name, name=name, **_hint(name, fields))
                return None
            infos.append(info)
            if i + 1 < len(node.path):
                if info.type != T.LOOKUP:
                    self.error(node, "not_a_lookup", column, name, name=name, next=node.path[i + 1])
                    return None
                if info.target not in self.scope.objects:
                    self.error(node, "unknown_object", column, name, name=name, target=info.target)
                    return None
                obj = info.target
            column += len(name) + 1
        return tuple(infos)

    def visit_Unary(self, node: Unary) -> T | None:
        operand = self.visit(node.operand)
        if operand is None:
            return None
        result = operators.unary_type(node.op, operand)
        if result is None:
            self.error(node, "unary_type", op=_spelling(node), operand=operand)
        _refine_null(node.operand, result)
        return result

    def visit_Binary(self, node: Binary) -> T | None:
        left, right = self.visit(node.left), self.visit(node.right)
        if left is None or right is None:
            return None
        result = operators.binary_type(node.op, left, right)
        if result is None:
            if node.op == "&":
                bad = left if left not in (T.TEXT, T.PICKLIST, T.NULL) else right
                self.error(node, "concat_type", got=bad)
            else:
                self.error(node, "operator_type", op=_spelling(node), left=left, right=right)
            return None
        self._refine_binary(node, left, right, result)
        return result

    @staticmethod
    def _refine_binary(node: Binary, left: T, right: T, result: T) -> None:
        if node.op in operators.COMPARISON:
            _refine_null(node.left, right)
            _refine_null(node.right, left)
        elif node.op in ("&", "and", "or"):
            _refine_null(node.left, result)
            _refine_null(node.right, result)
        else:
            _refine_null(node.left, right if right != T.NULL else result)
            _refine_null(node.right, T.NUMBER if left in (T.DATE, T.DATETIME) else left)
            if node.right.type == T.NULL:
                _refine_null(node.right, result)

    def visit_Call(self, node: Call) -> T | None:
        spec = self._function(node)
        if spec is None:
            for arg in node.args:
                self.visit(arg)
            return None
        node.spec = spec
        if spec.aggregate:
            self.aggregate_depth += 1
        types = [self.visit(arg) for arg in node.args]
        if spec.aggregate:
            self.aggregate_depth -= 1
        if any(t is None for t in types) or not self._arity_ok(node, spec):
            return None
        if spec.sql is None:
            self.python_only.add(spec.name)
        call = TypeCall(spec.name, types, node.args, self.context)
        try:
            result = spec.result_type(call)
        except ArgumentError as exc:
            self._argument_error(node, spec, types, exc)
            return None
        for i, arg in enumerate(node.args):
            if spec.type_rule is None and spec.params:
                cls = spec.params[min(i, len(spec.params) - 1)]
                _refine_null(arg, _PARAM_DEFAULT.get(cls))
        return result

    def _function(self, node: Call):
        aggregate_ok = self.context == "aggregate" and self.aggregate_depth == 0
        agg = registry.lookup(node.name, aggregate=True)
        scalar = registry.lookup(node.name, aggregate=False)
        if agg is not None and aggregate_ok and (scalar is None or len(node.args) <= 1):
            return agg
        if scalar is None and agg is not None:
            if self.context == "aggregate":
                self.error(node, "nested_aggregate", name=node.name)
            else:
                self.error(node, "function_not_allowed", name=node.name, context=Message(f"formula.context.{self.context}"))
            return None
        if scalar is None:
            self.error(node, "unknown_function", name=node.name,
                       **_hint(node.name, registry.function_names()))
            return None
        if scalar.contexts is not None and self.context not in scalar.contexts:
            self.error(node, "function_not_allowed", name=node.name, context=Message(f"formula.context.{self.context}"))
            return None
        return scalar

    def _arity_ok(self, node: Call, spec) -> bool:
        n, low, high = len(node.args), spec.required_args, spec.max_args
        if low <= n and (high is None or n <= high):
            return True
        if high is None:
            expected = Message("formula.arity.at_least", low=low)
        elif low == high:
            expected = str(low)
        else:
            expected = Message("formula.arity.range", low=low, high=high)
        self.error(node, "wrong_arg_count", name=spec.name, expected=expected, got=n)
        return False

    def _argument_error(self, node: Call, spec, types, exc: ArgumentError) -> None:
        index = min(exc.index, len(node.args) - 1) if node.args else 0
        target = node.args[index] if node.args else node
        got = types[index] if types else "nothing"
        if exc.code in ("argument_type", "argument_literal", "argument_field"):
            expected = Message(f"formula.param.{exc.expected}") if exc.expected in PARAM_CLASSES else exc.expected
            self.error(target, exc.code, name=spec.name, index=index + 1, expected=expected, got=got)
        else:
            self.error(target, exc.code, name=spec.name, **{"got": got, **exc.params})


def _spelling(node: Unary | Binary) -> str:
    """The operator as the user wrote it in messages: "&&" or AND, "-", NOT ("==" shows as "=")."""
    if node.op in operators.LOGICAL or node.op == "not":
        return node.pos.token.upper()
    return node.op


def _find_field(fields, name: str) -> FieldInfo | None:
    if name in fields:
        return fields[name]
    folded = [info for key, info in fields.items() if key.lower() == name.lower()]
    return folded[0] if len(folded) == 1 else None


def _refine_null(node: Node, wanted: T | None) -> None:
    """Give an untyped NULL literal the type its surroundings expect (SQL needs it)."""
    if wanted is not None and wanted != T.NULL and isinstance(node, Literal) and node.value is None:
        node.type = wanted


def check(source: str, scope: Scope, *, context: str = "field",
          expected: T | None = None) -> CheckedFormula:
    """Parse and type-check `source` against `scope` in `context`.

    Returns a CheckedFormula; raises FormulaError listing every problem found
    (syntax errors stop at the first one). "filter" and "validation" formulas
    must return BOOLEAN; with `expected`, the result must be assignable to it.
    """
    if context not in CONTEXTS:
        raise FormulaError([make_diagnostic(source, "unknown_context", 1, 1, 2, "", context=context)])
    tree = parse(source)
    checker = _Checker(source, scope, context)
    result = checker.visit(tree)
    wanted = T.BOOLEAN if context in _BOOLEAN_CONTEXTS and expected is None else expected
    if result is not None and wanted is not None and not is_assignable(result, wanted):
        checker.error(tree, "result_type", got=result, expected=wanted)
    if checker.diagnostics:
        raise FormulaError(sorted(checker.diagnostics, key=lambda d: (d.line, d.column)))
    final = wanted if wanted is not None else result
    if final == T.NULL:
        final = T.TEXT
    _refine_null(tree, final)
    return CheckedFormula(final, source, frozenset(checker.references),
                          not checker.python_only, context, tree, scope,
                          frozenset(checker.python_only))
