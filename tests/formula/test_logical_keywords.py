"""Infix AND / OR and prefix NOT keywords: precedence, call forms, semantics and errors."""
from decimal import Decimal as D

import pytest

from support import SCOPE
from tessera.formula import FormulaError, check
from tessera.formula.nodes import Binary, Call, FieldRef, Literal, Unary
from tessera.formula.parser import parse


def shape(node) -> str:
    """The tree fully parenthesised: operators lower case, calls upper case."""
    if isinstance(node, Binary):
        return f"({shape(node.left)} {node.op} {shape(node.right)})"
    if isinstance(node, Unary):
        return f"({node.op} {shape(node.operand)})"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(shape(a) for a in node.args)})"
    if isinstance(node, FieldRef):
        return ".".join(node.path)
    assert isinstance(node, Literal)
    if node.value is None or isinstance(node.value, bool):
        return str(node.value).upper().replace("NONE", "NULL")
    return repr(str(node.value))


@pytest.mark.parametrize("source,expected", [
    ('amount > 10000 AND stage = "Won"', "((amount > '10000') and (stage = 'Won'))"),
    ("a OR b AND c", "(a or (b and c))"),
    ("a AND b OR c AND d", "((a and b) or (c and d))"),
    ("NOT a AND b", "((not a) and b)"),
    ("NOT a OR NOT b", "((not a) or (not b))"),
    ("NOT a = b", "(not (a = b))"),
    ("NOT a < b + 1", "(not (a < (b + '1')))"),
    ("NOT NOT a", "(not (not a))"),
    ("a AND NOT b = c", "(a and (not (b = c)))"),
    ("a && b AND c || d OR e", "((((a and b) and c) or d) or e)"),
    ("a and b Or c", "((a and b) or c)"),
    ("x AND(y)", "(x and y)"),
    ("x OR(y = z)", "(x or (y = z))"),
    ("NOT (a = b)", "(not (a = b))"),
    ("NOT\n(a)", "(not a)"),
    ("a AND\n  NOT b", "(a and (not b))"),
])
def test_keywords_bind_like_sql(source, expected):
    # loosest first: OR (||), AND (&&), NOT, comparisons, arithmetic
    assert shape(parse(source)) == expected


@pytest.mark.parametrize("source,expected", [
    ("AND(a, b)", "AND(a, b)"),
    ("and(a, b, c)", "AND(a, b, c)"),
    ("Or(a, b)", "OR(a, b)"),
    ("NOT(a)", "NOT(a)"),
    ("not(a) = b", "(NOT(a) = b)"),
    ("x AND AND(a, b)", "(x and AND(a, b))"),
    ("a = NOT(b)", "(a = NOT(b))"),
    ("IF(NOT(a), b, c)", "IF(NOT(a), b, c)"),
])
def test_a_keyword_directly_followed_by_a_parenthesis_is_the_function(source, expected):
    assert shape(parse(source)) == expected


@pytest.mark.parametrize("source,expected", [
    ("android OR oracle", "(android or oracle)"),
    ("nothing AND notes", "(nothing and notes)"),
    ("ORDER", "ORDER"),
    ("account.and", "account.and"),
    ('notes = "NOT"', "(notes = 'NOT')"),
])
def test_keywords_are_whole_words(source, expected):
    assert shape(parse(source)) == expected


def test_not_negates_and_keeps_null(evaluate):
    records = [{"active": True}, {"active": False}, {}]
    assert evaluate("NOT active", records) == [False, True, None]
    assert evaluate("not active", records) == [False, True, None]
    assert evaluate("NOT NULL", records) == [None, None, None]
    assert evaluate("NOT (active)", records) == evaluate("NOT(active)", records)


@pytest.mark.parametrize("source,expected", [
    ("TRUE OR TRUE AND FALSE", True),       # AND binds tighter than OR
    ("(TRUE OR TRUE) AND FALSE", False),
    ("NOT TRUE AND FALSE", False),          # NOT binds tighter than AND
    ("NOT TRUE OR TRUE", True),             # ... and than OR
    ("NOT (TRUE OR TRUE)", False),
    ("NOT 1 = 2", True),                    # comparison binds tighter than NOT
    ("NOT 1 < 2 AND 3 > 2", False),
    ("NOT NOT TRUE", True),
    ("FALSE AND TRUE || TRUE", True),
    ('1 < 2 && NOT "a" = "b" OR FALSE', True),
])
def test_precedence_in_every_backend(evaluate, source, expected):
    assert evaluate(source, [{}]) == [expected]


def test_the_list_filter_from_the_issue(evaluate):
    records = [{"amount": D("20000"), "stage": "Won"}, {"amount": D("20000"), "stage": "Lost"},
               {"amount": D("500"), "stage": "Won"}, {"stage": "Won"}]
    source = 'amount > 10000 AND stage = "Won"'
    assert check(source, SCOPE, context="filter").type.name == "BOOLEAN"
    assert evaluate(source, records, context="filter") == [True, False, False, None]
    assert evaluate('amount > 10000 or stage = "Won" AND NOT ISBLANK(amount)', records) == [
        True, True, True, None]


def test_keywords_and_symbols_and_functions_agree(evaluate):
    records = [{"active": a, "amount": m} for a in (True, False, None)
               for m in (D(5), D(-5), None)]
    forms = ["active AND amount > 0 OR NOT active",
             "active && amount > 0 || NOT(active)",
             "OR(AND(active, amount > 0), NOT(active))"]
    results = [evaluate(f, records) for f in forms]
    assert results[0] == results[1] == results[2]


@pytest.mark.parametrize("source,code,column,token", [
    ("amount AND", "unexpected_end", 11, ""),
    ("amount > 1 or", "unexpected_end", 14, ""),
    ("NOT", "unexpected_end", 4, ""),
    ("AND amount > 1", "unexpected_token", 1, "AND"),
    ("active AND OR active", "unexpected_token", 12, "OR"),
    ("active and and active", "unexpected_token", 12, "and"),
    ("amount NOT 1", "unexpected_token", 8, "NOT"),
    ("active = NOT active", "unexpected_token", 10, "NOT"),
    ("-NOT amount", "unexpected_token", 2, "NOT"),
])
def test_misplaced_keywords_are_positioned_syntax_errors(source, code, column, token):
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE)
    d = info.value.diagnostics[0]
    assert (info.value.codes, d.column, d.token) == ([code], column, token)
    assert d.message and d.message_zh


def test_not_after_a_tighter_operator_suggests_parentheses():
    with pytest.raises(FormulaError) as info:
        check("active = NOT active", SCOPE)
    d = info.value.diagnostics[0]
    assert str(info.value) == ('1:10 unexpected NOT; expected a value '
                               '(write "(NOT ...)" in parentheses to negate here)')
    assert "(NOT ...)" in d.message_zh
    assert d.excerpt == "active = NOT active\n         ^^^"
    assert check("active = (NOT active)", SCOPE).type.name == "BOOLEAN"


@pytest.mark.parametrize("source,code,message", [
    ("NOT amount", "unary_type", "1:1 operator NOT cannot be applied to currency"),
    ("amount AND active", "operator_type", "1:8 operator AND cannot combine currency and boolean"),
    ("active or name", "operator_type", "1:8 operator OR cannot combine boolean and text"),
    ("active && 1", "operator_type", "1:8 operator && cannot combine boolean and number"),
])
def test_keyword_type_errors_name_the_operator_as_written(source, code, message):
    with pytest.raises(FormulaError) as info:
        check(source, SCOPE)
    assert info.value.codes == [code]
    assert str(info.value) == message


@pytest.mark.parametrize("page", ["formulas.md", "formulas.zh-CN.md"])
def test_the_documented_keyword_examples_read_as_documented(page):
    import re
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "docs" / page).read_text(encoding="utf-8")
    table = text.split("| `amount > 10000 AND", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `(.+?)` \| `(.+?)`", "| `amount > 10000 AND" + table, re.MULTILINE)
    assert len(rows) >= 5
    for formula, reads_as in rows:
        formula, reads_as = formula.replace("\\|", "|"), reads_as.replace("\\|", "|")
        assert shape(parse(formula)) == shape(parse(reads_as)), formula
