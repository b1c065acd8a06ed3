"""The public API the runtime codes against: check, compile_python, compile_sql, registry."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from support import ENV, SCOPE, make_env, python_eval
from tessera.formula import (
    CheckedFormula, Diagnostic, EvalEnv, FieldInfo, FormulaError, FormulaEvalError, FormulaType,
    FunctionSpec, Scope, SqlBinder, check, check_cached, compile_python, compile_sql,
    register_function,
)


def test_check_reports_type_references_and_pushability():
    checked = check('IF(account.region = "EMEA", amount * rate, 0)', SCOPE)
    assert isinstance(checked, CheckedFormula)
    assert checked.type == FormulaType.CURRENCY
    assert checked.references == {("account", "region"), ("amount",), ("rate",)}
    assert checked.pushable and checked.context == "field"


def test_field_names_resolve_case_insensitively_to_their_declared_spelling():
    assert check("AMOUNT + Qty", SCOPE).references == {("amount",), ("qty",)}


def test_compiled_python_takes_a_record_and_an_env():
    fn = compile_python(check("amount * 2", SCOPE))
    assert fn({"amount": D("1.25")}, ENV) == D("2.50")
    assert fn({}, ENV) is None


def test_lookup_without_fetch_is_an_evaluation_error():
    fn = compile_python(check("account.region", SCOPE))
    with pytest.raises(FormulaEvalError) as info:
        fn({"account": 1}, make_env(fetch=None))
    assert info.value.codes == ["evaluation_error"]


def test_wrongly_typed_record_values_raise_formula_eval_error():
    fn = compile_python(check("amount + 1", SCOPE))
    with pytest.raises(FormulaEvalError):
        fn({"amount": "oops"}, ENV)


class Binder:
    dialect_name = "sqlite"

    def __init__(self):
        self.table = sa.table("t", sa.column("amount", sa.Numeric), sa.column("name", sa.String))

    def column(self, path):
        return self.table.c[path[0]]


def test_compile_sql_returns_a_column_element_with_bound_parameters():
    binder = Binder()
    assert isinstance(binder, SqlBinder)
    expr = compile_sql(check('name = "x\'; DROP TABLE t; --" && amount > 1', SCOPE), binder, ENV)
    sql = str(expr.compile(dialect=sqlite_dialect.dialect()))
    assert "DROP" not in sql and "?" in sql


def test_python_only_formulas_are_not_pushable():
    checked = check("ISCHANGED(amount) && PRIORVALUE(amount) > amount", SCOPE, context="validation")
    assert not checked.pushable
    with pytest.raises(FormulaError) as info:
        compile_sql(checked, Binder(), ENV)
    assert info.value.codes == ["not_pushable"]


def test_change_functions_compare_with_the_prior_record():
    rule = "ISCHANGED(stage) && PRIORVALUE(stage) = \"Won\""
    old = make_env(prior={"stage": "Won"})
    assert python_eval(rule, [{"stage": "Lost"}, {"stage": "Won"}], old, "validation") == [True, False]
    new = make_env(prior=None, is_new=True)
    assert python_eval("ISNEW() && NOT(ISCHANGED(stage))", [{}], new, "validation") == [True]
    assert python_eval("PRIORVALUE(amount) = 5", [{"amount": D(5)}], new, "validation") == [True]


def test_nothing_is_changed_on_a_new_record_even_with_prior_values():
    new_with_defaults = make_env(prior={"stage": "Won"}, is_new=True)
    assert python_eval("ISCHANGED(stage)", [{"stage": "Lost"}], new_with_defaults,
                       "validation") == [False]


def test_check_cache_reuses_results_for_the_same_scope_object():
    first = check_cached("amount + 1", SCOPE)
    assert check_cached("amount + 1", SCOPE) is first
    other = Scope(SCOPE.objects, root="deal")
    assert check_cached("amount + 1", other) is not first


def test_plugins_can_register_functions_used_by_both_compilers(evaluate):
    register_function(FunctionSpec(
        "DOUBLE", "plugin", ("number",), returns="arg0", python=lambda x: x * 2,
        sql=lambda call: call.args[0] * 2, signature="DOUBLE(number)",
        summary="twice the number", example="DOUBLE(2) = 4"), replace=True)
    assert evaluate("DOUBLE(amount)", [{"amount": D("1.50")}, {}]) == [D("3.00"), None]


def test_registering_a_taken_name_needs_replace():
    with pytest.raises(ValueError):
        register_function(FunctionSpec("ROUND", "math", ("number",), returns="arg0",
                                       python=round))


def test_python_only_plugin_function_makes_formulas_unpushable():
    register_function(FunctionSpec("PYONLY", "plugin", ("text",), returns=FormulaType.TEXT,
                                   python=str.title, signature="PYONLY(text)"), replace=True)
    checked = check("PYONLY(name)", SCOPE)
    assert not checked.pushable and checked.python_only == {"PYONLY"}
    assert compile_python(checked)({"name": "ab cd"}, ENV) == "Ab Cd"


def test_diagnostic_serialises_to_a_dict():
    with pytest.raises(FormulaError) as info:
        check("amout", SCOPE)
    d = info.value.diagnostics[0]
    assert isinstance(d, Diagnostic)
    assert set(d.to_dict()) == {"line", "column", "end_column", "token", "code", "message",
                                "message_zh", "excerpt"}


def test_env_and_field_info_defaults():
    env = EvalEnv(today=date(2024, 1, 1), now=ENV.now)
    assert env.fiscal_year_start_month == 1 and env.prior is None and not env.is_new
    assert FieldInfo("x", FormulaType.TEXT).options == ()
    assert set(Scope({}, root="x").user_fields) >= {"id", "team", "roles", "manager"}
