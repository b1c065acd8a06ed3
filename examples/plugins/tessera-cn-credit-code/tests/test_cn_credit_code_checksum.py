"""The GB 32100-2015 check character, computed from the standard's alphabet and weights."""

import pytest

from tessera_cn_credit_code.checksum import ALPHABET, WEIGHTS, check_character, normalise, problem

VALID = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]


def test_the_alphabet_has_31_characters_without_i_o_z_s_v():
    assert len(ALPHABET) == 31 and not set("IOZSV") & set(ALPHABET)


def test_the_weights_are_powers_of_three_modulo_31():
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert problem(code) is None and check_character(code[:17]) == code[17]


def test_lower_case_is_valid_once_normalised():
    assert problem(normalise("91350100m000100y43")) is None


@pytest.mark.parametrize("code, found", [
    ("91350100M000100Y4", ("length", {"length": 17})),
    ("91350100M000100Y433", ("length", {"length": 19})),
    ("91350100M000100I43", ("character", {"char": "I"})),
    ("91350100M000100Y44", ("check", {"expected": "3", "found": "4"})),
])
def test_wrong_codes_say_what_is_wrong(code, found):
    assert problem(code) == found


def test_a_sum_that_is_a_multiple_of_31_has_check_character_0():
    first17 = next(c for c in (f"9135010{n:010d}" for n in range(1000)) if check_character(c) == "0")
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    assert total % 31 == 0
