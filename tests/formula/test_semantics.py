"""Operators, NULL semantics, numeric promotion and decimal exactness, in every backend."""
from datetime import date, datetime
from decimal import Decimal as D

import pytest

from support import SCOPE
from tessera.formula import FormulaType as T, check

NULLS = {}


@pytest.mark.parametrize("source,expected", [
    ("0.1 + 0.2", D("0.3")),
    ("0.1 + 0.2 = 0.3", True),
    ("1 / 3", D("0.3333333333")),
    ("1 / 3 * 3 = 1", False),
    ("2 / 3", D("0.6666666667")),
    ("-2 / 3", D("-0.6666666667")),
    ("10 - 2 - 3", D(5)),
    ("2 * 3 + 4", D(10)),
    ("2 + 3 * 4", D(14)),
    ("-2 ^ 2", D(-4)),
    ("(-2) ^ 2", D(4)),
    ("2 ^ -1", D("0.5")),
    ("7 - -2", D(9)),
])
def test_decimal_arithmetic_is_exact_and_follows_precedence(evaluate, source, expected):
    assert evaluate(source, [NULLS]) == [expected]


@pytest.mark.parametrize("source", ["amount / 0", "amount / (qty * 0)", "1 / (qty - 3)", "MOD(5, qty - 3)"])
def test_division_by_zero_is_null_in_both_compilers(evaluate, source):
    assert evaluate(source, [{"amount": D("5.00"), "qty": D(3)}]) == [None]


@pytest.mark.parametrize("source", ["amount + 1", "-amount", "amount * qty", "amount > 1",
                                    "amount = NULL", "NULL = NULL", "start + 1", "close - start",
                                    "created + 1", "name < \"b\"", "2 ^ qty"])
def test_arithmetic_and_comparisons_with_null_are_null(evaluate, source):
    assert evaluate(source, [{"close": date(2024, 1, 1), "qty": None}]) == [None]


def test_concatenation_treats_null_as_empty_text(evaluate):
    assert evaluate('name & "-" & notes', [{}, {"name": "a"}]) == ["-", "a-"]
    assert evaluate("NULL & NULL", [{}]) == [""]


def test_if_treats_null_condition_as_false(evaluate):
    assert evaluate('IF(amount > 0, "yes", "no")', [{}]) == ["no"]
    assert evaluate('IF(NOT(amount > 0), "yes", "no")', [{}]) == ["no"]


@pytest.mark.parametrize("left,right,and_result,or_result", [
    ("TRUE", "NULL", None, True),
    ("FALSE", "NULL", False, None),
    ("NULL", "NULL", None, None),
    ("NULL", "FALSE", False, None),
    ("NULL", "TRUE", None, True),
    ("TRUE", "FALSE", False, True),
])
def test_and_or_follow_sql_three_valued_logic_in_every_spelling(evaluate, left, right, and_result, or_result):
    records = [{"active": {"TRUE": True, "FALSE": False, "NULL": None}[left]}]
    for spelling in (f"active && {right}", f"AND(active, {right})", f"active AND {right}", f"active and {right}"):
        assert evaluate(spelling, records) == [and_result], spelling
    for spelling in (f"active || {right}", f"OR(active, {right})", f"active OR {right}", f"active Or {right}"):
        assert evaluate(spelling, records) == [or_result], spelling


def test_text_comparison_is_case_sensitive_and_by_code_point(evaluate):
    records = [{"name": "B"}, {"name": "a"}, {"name": "é"}]
    assert evaluate('name < "a"', records) == [True, False, False]
    assert evaluate('name = "b"', records) == [False, False, False]
    assert evaluate('name <> "a"', records) == [True, False, True]


def test_empty_text_is_not_null_but_is_blank(evaluate):
    assert evaluate('notes = ""', [{"notes": ""}]) == [True]
    assert evaluate("ISNULL(notes) || ISBLANK(notes)", [{"notes": ""}]) == [True]


def test_date_arithmetic_counts_days(evaluate):
    record = {"close": date(2024, 3, 1), "start": date(2024, 2, 1),
              "created": datetime(2024, 1, 1, 12, 0, 0)}
    assert evaluate("close - start", [record]) == [D(29)]
    assert evaluate("close + 1", [record]) == [date(2024, 3, 2)]
    assert evaluate("1 + close", [record]) == [date(2024, 3, 2)]
    assert evaluate("close - 1.5", [record]) == [date(2024, 2, 29)]
    assert evaluate("created + 0.25", [record]) == [datetime(2024, 1, 1, 18, 0, 0)]
    assert evaluate("created - DATETIMEVALUE(close)", [record]) == [D("-59.5")]
    assert evaluate("close > start", [record]) == [True]


def test_month_end_and_leap_days(evaluate):
    rec = {"close": date(2024, 2, 29)}
    assert evaluate("ADDMONTHS(close, 12)", [rec]) == [date(2025, 2, 28)]
    assert evaluate("close + 365", [rec]) == [date(2025, 2, 28)]
    assert evaluate("EOMONTH(close, 0) = close", [rec]) == [True]


def test_unicode_text_functions(evaluate):
    rec = {"name": "日本語😀é"}
    assert evaluate("LEN(name)", [rec]) == [D(5)]
    assert evaluate("MID(name, 4, 1)", [rec]) == ["😀"]
    assert evaluate("REVERSE(name)", [rec]) == ["é😀語本日"]
    assert evaluate('FIND("😀", name)', [rec]) == [D(4)]


@pytest.mark.parametrize("source,expected", [
    ("amount + qty", T.CURRENCY),
    ("amount * rate", T.CURRENCY),
    ("rate * amount", T.CURRENCY),
    ("amount / qty", T.CURRENCY),
    ("amount / amount", T.NUMBER),
    ("amount * amount", T.NUMBER),
    ("qty / amount", T.NUMBER),
    ("rate + rate", T.PERCENT),
    ("rate * rate", T.PERCENT),
    ("rate * qty", T.NUMBER),
    ("rate / qty", T.PERCENT),
    ("rate / rate", T.NUMBER),
    ("qty + rate", T.NUMBER),
    ("amount ^ 2", T.NUMBER),
    ("-amount", T.CURRENCY),
    ("close - start", T.NUMBER),
    ("close + 1", T.DATE),
    ("created - created", T.NUMBER),
    ("created + 1", T.DATETIME),
    ("IF(active, amount, qty)", T.CURRENCY),
    ("IF(active, stage, name)", T.TEXT),
    ("IF(active, NULL, close)", T.DATE),
    ("name & stage", T.TEXT),
    ("ROUND(amount, 2)", T.CURRENCY),
    ("ABS(rate)", T.PERCENT),
])
def test_numeric_promotion_and_result_types(source, expected):
    assert check(source, SCOPE).type == expected
