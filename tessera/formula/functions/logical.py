"""Logical and NULL-handling functions: IF, IFS, CASE, AND, OR, NOT, ISBLANK, ..."""
from __future__ import annotations

import ast
import re

import sqlalchemy as sa

from .. import pyast as P
from ..operators import comparable, unify
from ..types import FormulaType as T
from .registry import ArgumentError, FunctionSpec, TypeCall, register_function

NUMBER_PATTERN = re.compile(r" *[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *", re.ASCII)
SQL_NUMBER_PATTERN = r"^ *[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+) *$"


def _unified(call: TypeCall, indexes: list[int]) -> T:
    result = unify([call.types[i] for i in indexes])
    if result is None:
        got = ", ".join(sorted({str(call.types[i]) for i in indexes}))
        raise ArgumentError(indexes[-1], "", code="mixed_types", got=got)
    for i in indexes:  # give untyped NULL branches the common type
        node = call.nodes[i]
        if type(node).__name__ == "Literal" and node.value is None and result != T.NULL:
            node.type = result
    return result


# IF -------------------------------------------------------------------
def _if_type(call: TypeCall) -> T:
    call.require(0, "boolean")
    return _unified(call, list(range(1, len(call.types))))


def _if_py(em, node):
    cond, then = node.args[0], node.args[1]
    other = em.expr(node.args[2]) if len(node.args) > 2 else P.NONE
    return P.if_(em.expr(cond), em.expr(then), other)


def _flat_case(whens, other):
    """One searched CASE, absorbing a CASE in the ELSE branch (SQLite's parser stack is small)."""
    inner = getattr(other, "clause", other)
    inner = getattr(inner, "element", inner)  # through a Grouping
    if isinstance(inner, sa.sql.elements.Case) and inner.value is None:
        return sa.case(*whens, *inner.whens,
                       else_=inner.else_ if inner.else_ is not None else sa.null())
    return sa.case(*whens, else_=other)


def _if_sql(call):
    other = call.args[2] if len(call.args) > 2 else sa.null()
    return _flat_case([(call.args[0], call.args[1])], other)


# IFS ------------------------------------------------------------------
def _ifs_type(call: TypeCall) -> T:
    n = len(call.types)
    for i in range(0, n - 1, 2):
        call.require(i, "boolean")
    values = [i for i in range(1, n, 2)] + ([n - 1] if n % 2 else [])
    return _unified(call, values)


def _ifs_py(em, node):
    args = node.args
    result = em.expr(args[-1]) if len(args) % 2 else P.NONE
    for i in range(len(args) - len(args) % 2 - 2, -1, -2):
        result = P.if_(em.expr(args[i]), em.expr(args[i + 1]), result)
    return result


def _ifs_sql(call):
    args = call.args
    whens = [(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
    return _flat_case(whens, args[-1] if len(args) % 2 else sa.null())


# CASE -----------------------------------------------------------------
def _case_type(call: TypeCall) -> T:
    n = len(call.types)
    for i in range(1, n - 1, 2):
        if not comparable("=", call.types[0], call.types[i]):
            raise ArgumentError(i, str(call.types[0]), code="argument_type")
    results = [i for i in range(2, n, 2)] + ([n - 1] if n % 2 == 0 else [])
    return _unified(call, results)


def _case_py(em, node):
    args = node.args
    subject = em.temp()
    result = em.expr(args[-1]) if len(args) % 2 == 0 else P.NONE
    pairs = list(range(1, len(args) - 1, 2))
    for i in reversed(pairs):
        # the first comparison binds the subject; later ones reuse it
        value = P.walrus(subject, em.expr(args[0])) if i == 1 else P.name(subject)
        test = P.compare(value, ast.Eq(), em.expr(args[i]))
        if not em.never_null(args[i]):  # NULL never matches, not even NULL
            test = P.and_(test, P.is_not_none(P.name(subject)))
        result = P.if_(test, em.expr(args[i + 1]), result)
    return result


def _case_sql(call):
    args = call.args
    other = args[-1] if len(args) % 2 == 0 else sa.null()

    def build(subject):
        whens = [(subject.op("=", is_comparison=True)(args[i]), args[i + 1])
                 for i in range(1, len(args) - 1, 2)]
        return sa.case(*whens, else_=other)
    return call.ctx.once(args[0], build) if len(args) >= 5 else build(args[0])


# AND / OR / NOT ---------------------------------------------------------
def _bool_args(call: TypeCall) -> T:
    for i in range(len(call.types)):
        call.require(i, "boolean")
    return T.BOOLEAN


def _not_py(value):
    return not value


def _not_sql(call):
    # Explicit grouping: SQLAlchemy negates a type-coerced clause without parentheses.
    return sa.not_(sa.sql.elements.Grouping(call.args[0]))


# ISBLANK / ISNULL / BLANKVALUE / NULLVALUE / COALESCE ---------------------
def _blank_test(em, node, value):
    """Python test of blankness for a value of `node`'s type."""
    if node.type in (T.TEXT, T.PICKLIST):
        ident = em.temp()
        return P.or_(P.is_none(P.walrus(ident, value)),
                     P.compare(P.name(ident), ast.Eq(), ast.Constant("")))
    if node.type == T.MULTI_PICKLIST:
        return P.not_(value)
    return P.is_none(value)


_TEXTS = (T.TEXT, T.PICKLIST, T.MULTI_PICKLIST)


def _blank_sql(expr, ftype):
    """Whether `expr` is blank; it appears twice for text types (see _isblank_sql)."""
    if ftype in _TEXTS:
        return sa.or_(expr.is_(None), expr == "")
    return expr.is_(None)


def _isblank_sql(call):
    if call.types[0] in _TEXTS:
        return call.ctx.once(call.args[0], lambda v: _blank_sql(v, call.types[0]))
    return _blank_sql(call.args[0], call.types[0])


def _blankvalue_sql(call):
    return call.ctx.once(call.args[0], lambda v: sa.case(
        (_blank_sql(v, call.types[0]), call.args[1]), else_=v))


def _any_type(call: TypeCall) -> T:
    return T.BOOLEAN


def _blankvalue_py(em, node):
    ident = em.temp()
    value, default = node.args
    test = _blank_test(em, value, P.walrus(ident, em.expr(value)))
    return P.if_(test, em.expr(default), P.name(ident))


def _nullvalue_py(em, node):
    ident = em.temp()
    return P.if_(P.is_none(P.walrus(ident, em.expr(node.args[0]))),
                 em.expr(node.args[1]), P.name(ident))


def _coalesce_py(em, node):
    result = em.expr(node.args[-1])
    for arg in reversed(node.args[:-1]):
        ident = em.temp()
        result = P.if_(P.is_not_none(P.walrus(ident, em.expr(arg))), P.name(ident), result)
    return result


def _all_unified(call: TypeCall) -> T:
    return _unified(call, list(range(len(call.types))))


# ISPICKVAL / INCLUDES / ISNUMBER -------------------------------------------
def _ispickval_type(call: TypeCall) -> T:
    call.require(0, "picklist")
    call.literal(1, "text")
    return T.BOOLEAN


def _ispickval_py(em, node):
    return P.compare(em.expr(node.args[0]), ast.Eq(), em.expr(node.args[1]))


def _ispickval_sql(call):
    return sa.func.coalesce(call.args[0] == call.args[1], sa.false())


def includes(values, option) -> bool:
    """True when the multi-select `values` contains `option` (NULLs give FALSE)."""
    if not values or not option or ";" in option:
        return False
    return option in values


def _includes_sql(call):
    ctx = call.ctx
    return ctx.once_each(call.args, lambda values, option: _includes(ctx, values, option))


def _includes(ctx, values, option):
    wrapped = ctx.concat(sa.literal_column("';'"), values, sa.literal_column("';'"))
    needle = ctx.concat(sa.literal_column("';'"), option, sa.literal_column("';'"))
    found = sa.and_(values != "", option != "", ctx.position(option, ";") == 0,
                    ctx.position(wrapped, needle) > 0)
    return sa.func.coalesce(found, sa.false())


def is_number(text) -> bool:
    """True when `text` is a plain decimal number such as "-12.5" (NULL gives FALSE)."""
    return text is not None and NUMBER_PATTERN.fullmatch(text) is not None


def _isnumber_sql(call):
    value = call.args[0]
    if call.ctx.sqlite:
        test = sa.func.tessera_isnumber(value) == 1
    else:
        test = value.op("~")(SQL_NUMBER_PATTERN)
    return sa.func.coalesce(test, sa.false())


def _register() -> None:
    specs = [
        FunctionSpec("IF", "logical", ("boolean", "any", "any"), min_args=2, type_rule=_if_type,
                     inline_python=_if_py, sql=_if_sql, strict=False,
                     signature="IF(condition, then, [else])",
                     summary="then when condition is TRUE; else (or NULL) when FALSE or NULL",
                     example='IF(amount > 1000, "big", "small")'),
        FunctionSpec("IFS", "logical", ("boolean", "any"), min_args=2, variadic=True,
                     type_rule=_ifs_type, inline_python=_ifs_py, sql=_ifs_sql, strict=False,
                     signature="IFS(cond1, value1, [cond2, value2, ...], [else])",
                     summary="value of the first TRUE condition, else the trailing else or NULL",
                     example='IFS(amount > 1000, "big", amount > 100, "mid", "small")'),
        FunctionSpec("CASE", "logical", ("any", "any", "any"), min_args=2, variadic=True,
                     type_rule=_case_type, inline_python=_case_py, sql=_case_sql, strict=False,
                     signature="CASE(expr, match1, result1, [match2, result2, ...], [else])",
                     summary="result of the first match equal to expr (NULL never matches)",
                     example='CASE(stage, "Won", 1, "Lost", 0, 0.5)'),
        FunctionSpec("AND", "logical", ("boolean",), variadic=True, type_rule=_bool_args,
                     inline_python=lambda em, n: em.logical("and", n.args) if len(n.args) > 1
                     else em.expr(n.args[0]),
                     sql=lambda c: c.ctx.all_of(*c.args), strict=False,
                     signature="AND(a, b, ...)", summary="three-valued logical and",
                     example="AND(amount > 0, ISPICKVAL(stage, \"Won\"))"),
        FunctionSpec("OR", "logical", ("boolean",), variadic=True, type_rule=_bool_args,
                     inline_python=lambda em, n: em.logical("or", n.args) if len(n.args) > 1
                     else em.expr(n.args[0]),
                     sql=lambda c: c.ctx.any_of(*c.args), strict=False,
                     signature="OR(a, b, ...)", summary="three-valued logical or",
                     example='OR(stage = "Won", stage = "Lost")'),
        FunctionSpec("NOT", "logical", ("boolean",), returns=T.BOOLEAN, python=_not_py,
                     sql=_not_sql, signature="NOT(a)",
                     summary="logical negation; NOT(NULL) is NULL", example="NOT(active)"),
        FunctionSpec("ISBLANK", "logical", ("any",), type_rule=_any_type, strict=False,
                     never_null=True,
                     inline_python=lambda em, n: _blank_test(em, n.args[0], em.expr(n.args[0])),
                     sql=_isblank_sql,
                     signature="ISBLANK(value)",
                     summary='TRUE for NULL, empty text "" or an empty multi-select',
                     example="ISBLANK(phone)"),
        FunctionSpec("ISNULL", "logical", ("any",), type_rule=_any_type, strict=False,
                     never_null=True,
                     inline_python=lambda em, n: P.is_none(em.expr(n.args[0])),
                     sql=lambda c: c.args[0].is_(None), signature="ISNULL(value)",
                     summary="TRUE only for NULL (empty text is not NULL)",
                     example="ISNULL(close_date)"),
        FunctionSpec("BLANKVALUE", "logical", ("any", "any"), type_rule=_all_unified,
                     strict=False, inline_python=_blankvalue_py,
                     sql=_blankvalue_sql,
                     signature="BLANKVALUE(value, default)",
                     summary="default when value is blank (NULL or empty), else value",
                     example='BLANKVALUE(nickname, name)'),
        FunctionSpec("NULLVALUE", "logical", ("any", "any"), type_rule=_all_unified,
                     strict=False, inline_python=_nullvalue_py,
                     sql=lambda c: sa.func.coalesce(*c.args),
                     signature="NULLVALUE(value, default)",
                     summary="default when value is NULL, else value",
                     example="NULLVALUE(discount, 0)"),
        FunctionSpec("COALESCE", "logical", ("any",), variadic=True, type_rule=_all_unified,
                     strict=False, inline_python=_coalesce_py,
                     sql=lambda c: sa.func.coalesce(*c.args) if len(c.args) > 1 else c.args[0],
                     signature="COALESCE(a, b, ...)", summary="the first non-NULL argument",
                     example="COALESCE(mobile, phone, \"-\")"),
        FunctionSpec("ISPICKVAL", "logical", ("picklist", "text"), type_rule=_ispickval_type,
                     strict=False, never_null=True, inline_python=_ispickval_py,
                     sql=_ispickval_sql, signature='ISPICKVAL(picklist, "value")',
                     summary="TRUE when the picklist equals the literal value; NULL gives FALSE",
                     example='ISPICKVAL(stage, "Closed Won")'),
        FunctionSpec("INCLUDES", "logical", ("multi", "text"), returns=T.BOOLEAN, strict=False,
                     never_null=True, python=includes, sql=_includes_sql,
                     signature="INCLUDES(multi_picklist, value)",
                     summary="TRUE when the multi-select contains value; NULL gives FALSE",
                     example='INCLUDES($user.roles, "admin")'),
        FunctionSpec("ISNUMBER", "logical", ("text",), returns=T.BOOLEAN, strict=False,
                     never_null=True, python=is_number, sql=_isnumber_sql,
                     signature="ISNUMBER(text)",
                     summary="TRUE when text is a plain decimal number (what VALUE accepts)",
                     example='ISNUMBER("12.5")'),
    ]
    for spec in specs:
        register_function(spec, replace=True)


_register()
