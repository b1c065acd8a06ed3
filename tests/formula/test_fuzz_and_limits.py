"""Robustness: any input either checks or raises FormulaError; size limits are enforced."""
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support import SCOPE, python_eval
from tessera.formula import FormulaError, check, compile_python
from tessera.formula.parser import MAX_DEPTH, MAX_NODES, MAX_SOURCE_LENGTH

TOKENS = ["(", ")", ",", ".", "+", "-", "*", "/", "^", "&", "&&", "||", "=", "==", "!=", "<>",
          "<", "<=", ">", ">=", "1", "2.5", ".5", '"x"', "'y'", '"\\n"', '"\\q"', "TRUE", "null",
          "amount", "account", "region", "owner", "$user", "$user.id", "$today", "$bogus", "IF",
          "ROUND", "CASE", "SUM", "ISCHANGED", "TEXT", "MIN", "INCLUDES", "tags", "stage",
          "close", "/*", "*/", " ", "\n", "\t", "$", "#", "@", "`", "'", '"', "\\", "é", "中",
          "AND", "or", "Not", "NOT(", "and(", "OR(", "active", "android", "notes"]

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_or_formula_error(source, context="field"):
    try:
        checked = check(source, SCOPE, context=context)
    except FormulaError as exc:
        assert exc.diagnostics and all(d.code and d.message and d.message_zh
                                       for d in exc.diagnostics)
        return None
    compile_python(checked)
    return checked


@FUZZ
@given(st.text(max_size=200))
def test_random_text_only_ever_raises_formula_error(source):
    check_or_formula_error(source)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40),
       st.sampled_from(["field", "filter", "validation", "aggregate"]))
def test_random_token_soup_only_ever_raises_formula_error(tokens, context):
    check_or_formula_error(" ".join(tokens), context)


def test_source_length_is_bounded():
    with pytest.raises(FormulaError) as info:
        check("1" + " " * MAX_SOURCE_LENGTH, SCOPE)
    assert info.value.codes == ["too_long"]


@pytest.mark.parametrize("source", [
    "(" * 3000 + "1" + ")" * 3000,
    "-" * 3000 + "1",
    "1" + "+1" * 1500,
    "2" + "^2" * 1500,
    "IF(TRUE, " * 300 + "1" + ", 2)" * 300,
])
def test_deep_nesting_is_an_error_not_a_crash(source):
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE)
    assert info.value.codes[0] in ("too_deep", "too_long")


def test_node_count_is_bounded():
    source = "MAX(" + ",".join(["1"] * (MAX_NODES + 1)) + ")"
    assert len(source) < MAX_SOURCE_LENGTH
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE)
    assert info.value.codes == ["too_many_nodes"]


@pytest.mark.postgres
@pytest.mark.parametrize("shape", [
    "1{}", "amount{}", "IF(active, {}1, 2)", "NOT({}active)", "name{}", "ROUND({}amount, 1)",
])
def test_formulas_at_the_depth_limit_evaluate_in_python_and_postgresql(shape, postgres_db):
    source = _nest(shape, MAX_DEPTH)
    assert check(source, SCOPE).tree.depth <= MAX_DEPTH
    assert python_eval(source, [{}]) == postgres_db.evaluate(source, [{}])


def _nest(shape, depth):
    """A formula of the given shape nested `depth` levels deep."""
    chains = {"1{}": ("1", "+1"), "amount{}": ("amount", "*1.01"), "name{}": ("name", " & name")}
    if shape in chains:
        head, tail = chains[shape]
        return head + tail * (depth - 2)
    return _wrap(shape, depth)


def _wrap(shape, depth):
    prefix, suffix = {"IF(active, {}1, 2)": ("IF(active, ", ", 2)"),
                      "NOT({}active)": ("NOT(", ")"),
                      "ROUND({}amount, 1)": ("ROUND(", ", 1)")}[shape]
    core = {"IF(active, {}1, 2)": "1", "NOT({}active)": "active", "ROUND({}amount, 1)": "amount"}
    return prefix * (depth - 1) + core[shape] + suffix * (depth - 1)


def test_sqlite_rejects_formulas_too_deep_for_its_parser_with_a_formula_error(sqlite_db):
    from tessera.formula.sqlcompile import SQLITE_MAX_DEPTH
    ok = _wrap("IF(active, {}1, 2)", SQLITE_MAX_DEPTH)
    assert sqlite_db.evaluate(ok, [{}]) == python_eval(ok, [{}])
    with pytest.raises(FormulaError) as info:
        sqlite_db.evaluate(_wrap("IF(active, {}1, 2)", SQLITE_MAX_DEPTH + 1), [{}])
    assert info.value.codes == ["too_deep_for_sql"]


def test_long_else_if_chains_stay_flat_in_sql(sqlite_db):
    source = "IF(qty = 1, 1, " * 40 + "0" + ")" * 40
    assert sqlite_db.evaluate(source, [{"qty": D(1)}, {}]) == [D(1), D(0)]


@pytest.mark.parametrize("source", [
    "__import__", "amount.__class__", "$user.__dict__", "name.upper", "EVAL(\"1\")",
    '"".join', "exec", "amount.real",
])
def test_no_way_to_reach_python(source):
    with pytest.raises(FormulaError):
        check(source, SCOPE)


def test_string_contents_are_data_not_code():
    assert python_eval('"\\"); __import__(\\"os\\")"', [{}]) == ['"); __import__("os")']


def test_padding_is_capped():
    assert python_eval('LEN(LPAD("x", 1000000000))', [{}]) == [10000]


@pytest.mark.parametrize("source", ['ISNULL("x")', "ISNULL(1)", 'COALESCE("a", "b")', "NOT ISNULL(TRUE)"])
def test_generated_code_compiles_without_warnings(source):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. SyntaxWarning for `"x" is None`
        compile_python(check(source, SCOPE))
