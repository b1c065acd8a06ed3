"""The function registry: name -> FunctionSpec, open to plugins via register_function()."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..types import NUMERIC_TYPES, TEXT_TYPES, FormulaType as T

# Parameter classes a simple signature may use, with their en/zh descriptions.
PARAM_CLASSES: dict[str, tuple[frozenset, str, str]] = {
    "number": (NUMERIC_TYPES, "a number", "数字"),
    "text": (TEXT_TYPES, "text", "文本"),
    "boolean": (frozenset({T.BOOLEAN}), "a boolean", "布尔值"),
    "date": (frozenset({T.DATE}), "a date", "日期"),
    "datetime": (frozenset({T.DATETIME}), "a datetime", "日期时间"),
    "temporal": (frozenset({T.DATE, T.DATETIME}), "a date or datetime", "日期或日期时间"),
    "picklist": (frozenset({T.PICKLIST}), "a picklist", "选项列表"),
    "multi": (frozenset({T.MULTI_PICKLIST}), "a multi-select picklist", "多选列表"),
    "field": (frozenset(T) - {T.NULL}, "a field", "字段"),
    "any": (frozenset(T), "any value", "任意值"),
}


_CANONICAL = {"number": T.NUMBER, "text": T.TEXT, "boolean": T.BOOLEAN, "date": T.DATE,
              "datetime": T.DATETIME, "temporal": T.DATE, "picklist": T.PICKLIST,
              "multi": T.MULTI_PICKLIST}


class ArgumentError(Exception):
    """Raised by a type rule: argument `index` (0-based) does not fit."""

    def __init__(self, index: int, expected: str, code: str = "argument_type", **params):
        super().__init__(expected)
        self.index, self.expected, self.code, self.params = index, expected, code, params


@dataclass
class TypeCall:
    """What a type rule sees: the call's name, argument types and nodes, and the context."""

    name: str
    types: list[T]
    nodes: list[Any]
    context: str

    def require(self, index: int, cls: str) -> T:
        """Return the type of argument `index`, raising ArgumentError if not of class `cls`."""
        actual = self.types[index]
        if actual != T.NULL and actual not in PARAM_CLASSES[cls][0]:
            raise ArgumentError(index, cls)
        node = self.nodes[index]
        if actual == T.NULL and cls in _CANONICAL and getattr(node, "value", 0) is None:
            node.type = _CANONICAL[cls]  # an untyped NULL literal takes the parameter's type
        return actual

    def literal(self, index: int, cls: str) -> Any:
        """Return the literal value of argument `index`; it must be a literal of class `cls`."""
        node = self.nodes[index]
        value = getattr(node, "value", None)
        if type(node).__name__ != "Literal" or value is None:
            raise ArgumentError(index, cls, code="argument_literal")
        self.require(index, cls)
        return value


@dataclass(frozen=True)
class FunctionSpec:
    """A formula function.

    params/returns give a simple signature: parameter classes (see PARAM_CLASSES)
    and a result FormulaType or "arg0" (the first argument's type). `type_rule`
    replaces that for irregular functions. `python` implements the function on
    argument values; with `strict` any NULL argument yields NULL without calling
    it. `sql(call)` builds a SQLAlchemy expression, or is None: Python-only.
    Aggregates (`aggregate=True`) get a list of per-row values in Python.
    """

    name: str
    family: str
    params: tuple[str, ...] = ()
    returns: T | str | None = None
    python: Callable[..., Any] | None = None
    sql: Callable[[Any], Any] | None = None
    min_args: int | None = None
    variadic: bool = False
    type_rule: Callable[[TypeCall], T] | None = None
    strict: bool = True
    never_null: bool = False
    needs_env: bool = False
    contexts: frozenset[str] | None = None
    aggregate: bool = False
    inline_python: Callable[..., Any] | None = None
    signature: str = ""
    summary: str = ""
    example: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def required_args(self) -> int:
        return len(self.params) if self.min_args is None else self.min_args

    @property
    def max_args(self) -> int | None:
        return None if self.variadic else len(self.params)

    @property
    def pushable(self) -> bool:
        return self.sql is not None

    def result_type(self, call: TypeCall) -> T:
        """Check the arguments and return the result type (raises ArgumentError)."""
        if self.type_rule is not None:
            return self.type_rule(call)
        for i in range(len(call.types)):
            cls = self.params[min(i, len(self.params) - 1)]
            call.require(i, cls)
        if self.returns == "arg0":
            first = call.types[0] if call.types else T.NULL
            return T.NUMBER if first == T.NULL else first
        return self.returns


_SCALAR: dict[str, FunctionSpec] = {}
_AGGREGATE: dict[str, FunctionSpec] = {}
_listeners: list[Callable[[], None]] = []


def register_function(spec: FunctionSpec, *, replace: bool = False) -> FunctionSpec:
    """Add `spec` to the registry (aggregates separately), case-insensitively by name.

    Raises ValueError if the name is taken and `replace` is false. Clears check caches.
    """
    table = _AGGREGATE if spec.aggregate else _SCALAR
    name = spec.name.upper()
    if name in table and not replace:
        raise ValueError(f"function {name} is already registered")
    table[name] = spec
    for listener in _listeners:
        listener()
    return spec


def unregister_function(spec: FunctionSpec) -> None:
    """Remove `spec` (if it is the one registered under its name). Clears check caches."""
    table = _AGGREGATE if spec.aggregate else _SCALAR
    if table.get(spec.name.upper()) is spec:
        del table[spec.name.upper()]
        for listener in _listeners:
            listener()


def lookup(name: str, *, aggregate: bool) -> FunctionSpec | None:
    """The spec registered under `name` (aggregate or scalar table), or None."""
    return (_AGGREGATE if aggregate else _SCALAR).get(name.upper())


def all_functions() -> list[FunctionSpec]:
    """Every registered spec, scalar ones first, each table sorted by name."""
    return [_SCALAR[k] for k in sorted(_SCALAR)] + [_AGGREGATE[k] for k in sorted(_AGGREGATE)]


def function_names() -> list[str]:
    """All registered names (for suggestions)."""
    return sorted(set(_SCALAR) | set(_AGGREGATE))


def on_change(listener: Callable[[], None]) -> None:
    """Call `listener` whenever the registry changes (used to drop caches)."""
    _listeners.append(listener)
