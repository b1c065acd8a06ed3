"""Static typing rules of the operators (numeric promotion lives here)."""
from __future__ import annotations

from .types import NUMERIC_TYPES, TEXT_TYPES, FormulaType as T

ARITHMETIC = {"+", "-", "*", "/", "^"}
COMPARISON = {"=", "!=", "<", "<=", ">", ">="}
LOGICAL = {"and", "or"}
ORDERED = frozenset({T.DATE, T.DATETIME}) | NUMERIC_TYPES | TEXT_TYPES


def _numeric_result(op: str, left: T, right: T) -> T:
    """Promotion of two numeric types (documented in docs/formulas.md)."""
    cur, pct = T.CURRENCY, T.PERCENT
    if op == "^":
        return T.NUMBER
    if op in "+-":
        if cur in (left, right):
            return cur
        return pct if left == right == pct else T.NUMBER
    if op == "*":
        if cur in (left, right):
            return T.NUMBER if left == right == cur else cur
        return pct if left == right == pct else T.NUMBER
    # division
    if left == cur:
        return T.NUMBER if right == cur else cur
    if left == pct and right == T.NUMBER:
        return pct
    return T.NUMBER


def _temporal_result(op: str, left: T, right: T) -> T | None:
    if op == "-" and left == right and left in (T.DATE, T.DATETIME):
        return T.NUMBER
    if op in "+-" and left in (T.DATE, T.DATETIME) and right in NUMERIC_TYPES:
        return left
    if op == "+" and right in (T.DATE, T.DATETIME) and left in NUMERIC_TYPES:
        return right
    return None


def _fill_null(left: T, right: T, default: T) -> tuple[T, T]:
    if left == T.NULL and right == T.NULL:
        return default, default
    if left == T.NULL:
        return right, right
    if right == T.NULL:
        return left, left
    return left, right


def binary_type(op: str, left: T, right: T) -> T | None:
    """Result type of `left op right`, or None when the operands do not fit the operator.

    NULL operands take the type of the other side.
    """
    if op in ARITHMETIC:
        if left == T.NULL and right in (T.DATE, T.DATETIME) and op in "+-":
            return None if op == "-" else right
        if right == T.NULL and left in (T.DATE, T.DATETIME):
            return left
        left, right = _fill_null(left, right, T.NUMBER)
        if left in NUMERIC_TYPES and right in NUMERIC_TYPES:
            return _numeric_result(op, left, right)
        return _temporal_result(op, left, right)
    if op == "&":
        ok = all(t in TEXT_TYPES or t == T.NULL for t in (left, right))
        return T.TEXT if ok else None
    if op in LOGICAL:
        ok = all(t in (T.BOOLEAN, T.NULL) for t in (left, right))
        return T.BOOLEAN if ok else None
    if op in COMPARISON:
        return T.BOOLEAN if comparable(op, left, right) else None
    return None


def comparable(op: str, left: T, right: T) -> bool:
    """Whether `left op right` is a valid comparison."""
    if T.NULL in (left, right):
        return left != T.MULTI_PICKLIST and right != T.MULTI_PICKLIST
    same_family = (
        (left in NUMERIC_TYPES and right in NUMERIC_TYPES)
        or (left in TEXT_TYPES and right in TEXT_TYPES)
        or (left == right and left in (T.DATE, T.DATETIME, T.BOOLEAN, T.LOOKUP))
    )
    if not same_family:
        return False
    return op in ("=", "!=") or left in ORDERED


def unary_type(op: str, operand: T) -> T | None:
    """Result type of unary `op operand` ("-", "+" or "not"), or None when not applicable."""
    if op == "not":
        return T.BOOLEAN if operand in (T.BOOLEAN, T.NULL) else None
    if operand == T.NULL:
        return T.NUMBER
    return operand if operand in NUMERIC_TYPES else None


def unify(types: list[T]) -> T | None:
    """The common type of branch values (IF, CASE, COALESCE...), or None if they clash.

    NULLs are ignored; numeric types promote (any CURRENCY -> CURRENCY, all
    PERCENT -> PERCENT, else NUMBER); mixing PICKLIST and TEXT gives TEXT.
    """
    real = [t for t in types if t != T.NULL]
    if not real:
        return T.NULL
    kinds = set(real)
    if len(kinds) == 1:
        return real[0]
    if kinds <= NUMERIC_TYPES:
        if T.CURRENCY in kinds:
            return T.CURRENCY
        return T.NUMBER
    if kinds <= TEXT_TYPES:
        return T.TEXT
    return None
