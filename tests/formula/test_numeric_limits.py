"""Numbers of any magnitude: ROUND, TRUNC, MOD and division stay exact (as on PostgreSQL)
instead of failing, and no SQLite helper function ever raises into a statement."""
import sqlite3
from decimal import Decimal

import pytest

from support import python_eval
from tessera.formula.sqlite_functions import FUNCTIONS, install_sqlite_functions

HUGE = "1" + "0" * 300  # the literal 1e300
TINY = "0.0000001"


def near(value, expected) -> bool:
    """Equal within SQLite's double precision (exact on Python and PostgreSQL)."""
    return value is not None and abs(value - expected) <= abs(expected) * Decimal("1e-12")


def test_mod_of_a_huge_number_by_a_tiny_one_is_exact(evaluate):
    assert evaluate(f"MOD({HUGE}, {TINY})", [{}]) == [0]
    assert evaluate(f"MOD({HUGE}, {TINY}) >= 0", [{}]) == [True]
    assert evaluate(f"MOD(-{HUGE}, 7)", [{}]) == [Decimal(-10**300 % 7)]


def test_round_and_trunc_of_a_huge_number_keep_the_number(evaluate):
    assert near(evaluate(f"ROUND({HUGE}, 1000000)", [{}])[0], Decimal("1e300"))
    assert near(evaluate(f"TRUNC(-{HUGE}, 2)", [{}])[0], Decimal("-1e300"))
    assert near(evaluate(f"ROUND(amount * {HUGE}, -18)", [{"amount": Decimal("2.50")}])[0],
                Decimal("2.5e300"))


def test_round_at_every_digit_count_of_a_forty_digit_number(evaluate):
    source = "ROUND(" + "9" * 39 + ".5)"
    assert near(evaluate(source, [{}])[0], Decimal("1e39"))
    assert evaluate("ROUND(amount, 2)", [{"amount": None}]) == [None]


def test_division_of_huge_numbers_answers_a_number(evaluate):
    assert near(evaluate(f"{HUGE} / 3", [{}])[0], Decimal(10**300) / 3)
    assert near(evaluate(f"SQRT({HUGE})", [{}])[0], Decimal("1e150"))


EXACT_CASES = [
    ("(1" + "0" * 30 + " + 1) - 1" + "0" * 30, Decimal(1)),
    ("123456789012345678 * 123456789012345678", Decimal(123456789012345678 ** 2)),
    ("-(1" + "0" * 40 + " + 1) + 1" + "0" * 40, Decimal(-1)),
]


@pytest.mark.parametrize("source,expected", EXACT_CASES)
def test_python_adds_subtracts_and_multiplies_exactly_beyond_28_digits(source, expected):
    assert python_eval(source, [{}]) == [expected]
    assert python_eval("SUM(amount)", [{"amount": Decimal("1e30")}, {"amount": Decimal(1)}],
                       context="aggregate") == [Decimal(10**30 + 1)]


@pytest.mark.postgres
@pytest.mark.parametrize("source,expected", EXACT_CASES)
def test_postgresql_agrees_on_exact_arithmetic_beyond_28_digits(postgres_db, source, expected):
    assert postgres_db.evaluate(source, [{}]) == [expected]


EXTREMES = [float("inf"), float("-inf"), 1e300, -1e300, 1e-300, "abc", "", b"\x00", 0, None,
            2**63 - 1, -(2**63)]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_sqlite_helper_raises_on_extreme_arguments(name):
    conn = sqlite3.connect(":memory:")
    install_sqlite_functions(conn)
    arity = FUNCTIONS[name][0]
    placeholders = ", ".join("?" * arity)
    for value in EXTREMES:
        conn.execute(f"select {name}({placeholders})", [value] * arity).fetchall()
    conn.close()


def test_a_sqlite_helper_answers_null_for_an_infinite_argument():
    conn = sqlite3.connect(":memory:")
    install_sqlite_functions(conn)
    rows = conn.execute("select tessera_round(?, 2), tessera_mod(?, 7), tessera_num_text(?)",
                        [float("inf")] * 3).fetchall()
    assert rows == [(None, None, None)]
