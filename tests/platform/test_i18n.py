"""Every problem code has an English and a Chinese title; known message shapes translate."""

import inspect

import pytest

from tessera.metadata import errors as metadata_errors
from tessera.platform.i18n import TITLES, pick_locale, translate
from tessera.runtime import errors as runtime_errors

def _codes():
    for module in (metadata_errors, runtime_errors):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if isinstance(getattr(cls, "code", None), str):
                yield cls.code


@pytest.mark.parametrize("code", sorted(set(_codes())))
def test_every_problem_code_has_a_title_in_both_locales(code):
    english, chinese = TITLES[code]
    assert english and chinese and english != chinese


def test_the_preferred_supported_locale_wins():
    assert pick_locale("fr;q=1, zh-CN;q=0.8, en;q=0.5") == "zh-CN"
    assert pick_locale("de") == "en"
    assert pick_locale(None, "zh-CN") == "zh-CN"


def test_known_message_shapes_translate_and_unknown_ones_stay_english():
    assert translate("Longer than maximum length 20.", "zh-CN") == "长度超过上限 20。"
    assert translate("something new", "zh-CN") == "something new"
    assert translate("Longer than maximum length 20.", "en") == "Longer than maximum length 20."
