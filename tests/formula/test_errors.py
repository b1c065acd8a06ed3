"""Parse and type errors: positions, carets, suggestions, English and Chinese messages."""
import pytest

from support import SCOPE
from tessera.formula import FormulaError, FormulaType as T, check


def errors_of(source, **kw):
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE, **kw)
    return info.value


def test_unknown_field_names_position_and_suggestion():
    err = errors_of("IF(amount > amout, 1, 2)")
    assert str(err) == '1:13 unknown field "amout" (did you mean "amount"?)'
    d = err.diagnostics[0]
    assert (d.line, d.column, d.end_column, d.token, d.code) == (1, 13, 18, "amout", "unknown_field")
    assert d.message_zh == '未知字段 "amout"（您是否想输入 "amount"？）'
    assert d.excerpt == "IF(amount > amout, 1, 2)\n            ^^^^^"
    assert d.to_dict()["code"] == "unknown_field"


def test_several_type_errors_are_reported_together():
    err = errors_of('amout + 1 > 2 && nmae = "x" && LEN(5) > 1')
    assert err.codes == ["unknown_field", "unknown_field", "argument_type"]
    assert [d.column for d in err.diagnostics] == [1, 18, 36]


def test_errors_on_later_lines_carry_their_line_number():
    err = errors_of("amount +\n  qty +\n  bogus")
    d = err.diagnostics[0]
    assert (d.line, d.column) == (3, 3)
    assert d.excerpt == "  bogus\n  ^^^^^"


def test_lookup_hop_errors_point_at_the_offending_segment():
    err = errors_of("account.regoin")
    assert str(err) == '1:9 unknown field "regoin" (did you mean "region"?)'
    err = errors_of("amount.region")
    assert err.codes == ["not_a_lookup"]


def test_too_many_hops_is_rejected():
    from tessera.formula import Scope
    scope = Scope(SCOPE.objects, root="deal", max_hops=1)
    with pytest.raises(FormulaError) as info:
        check("account.owner.name", scope)
    assert info.value.codes == ["too_many_hops"]


@pytest.mark.parametrize("source,code,column", [
    ("1 +", "unexpected_end", 4),
    ("amount >> 2", "unexpected_token", 9),
    ('"abc', "unterminated_string", 1),
    ("amount # 2", "unexpected_character", 8),
    ('"a\\q"', "bad_escape", 3),
    ("", "empty_formula", 1),
    ("ROUND(amount 2)", "unexpected_token", 14),
])
def test_syntax_errors_have_codes_and_positions(source, code, column):
    err = errors_of(source)
    assert err.codes == [code]
    assert err.diagnostics[0].column == column
    assert err.diagnostics[0].message_zh


def test_unknown_function_suggests_the_closest_name():
    err = errors_of("ROUDN(amount, 2)")
    assert str(err) == '1:1 unknown function "ROUDN" (did you mean "ROUND"?)'
    assert "ROUND" in err.diagnostics[0].message_zh


def test_unknown_global_suggests_user_fields():
    err = errors_of("$user.teem")
    assert err.codes == ["unknown_global"]
    assert 'did you mean "user.team"' in str(err)


@pytest.mark.parametrize("source,code", [
    ("amount + name", "operator_type"),
    ('amount & "x"', "concat_type"),
    ("close = created", "operator_type"),
    ("tags = tags", "operator_type"),
    ("active < active", "operator_type"),
    ("-name", "unary_type"),
    ("ROUND(amount, 2, 3)", "wrong_arg_count"),
    ("IF(amount, 1, 2)", "argument_type"),
    ('IF(active, 1, "x")', "mixed_types"),
    ("IFS(active, 1, amount, 2)", "argument_type"),  # the last condition of an IFS without else
    ("ISPICKVAL(stage, name)", "argument_literal"),
    ("SUM(amount)", "function_not_allowed"),
    ("ISCHANGED(amount)", "function_not_allowed"),
])
def test_type_errors_have_stable_codes(source, code):
    assert errors_of(source).codes == [code]


def test_filters_and_validations_must_be_boolean():
    assert errors_of("amount", context="filter").codes == ["result_type"]
    assert errors_of("amount", context="validation").codes == ["result_type"]
    assert check("amount > 0", SCOPE, context="filter").type == T.BOOLEAN


def test_expected_type_is_enforced_and_adopted():
    assert errors_of("name", expected=T.NUMBER).codes == ["result_type"]
    assert check("qty * 2", SCOPE, expected=T.CURRENCY).type == T.CURRENCY


def test_unknown_context_is_an_error():
    assert errors_of("1", context="bogus").codes == ["unknown_context"]


def test_aggregate_context_rules():
    assert errors_of("amount + 1", context="aggregate").codes == ["field_outside_aggregate"]
    assert errors_of("SUM(SUM(amount))", context="aggregate").codes == ["nested_aggregate"]
    assert check("MAX(amount, qty)", SCOPE).type == T.CURRENCY
    assert check("MAX(amount)", SCOPE, context="aggregate").type == T.CURRENCY
