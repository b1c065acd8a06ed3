"""Every problem code has an English and a Chinese title; messages render from their codes."""

import inspect
import json

import pytest
from flask import render_template_string

from tessera.i18n import Message, env_locale
from tessera.metadata import errors as metadata_errors
from tessera.platform.i18n import pick_locale, title, translate
from tessera.runtime import errors as runtime_errors
from tests.helpers import define, object_doc

PROBLEM_SHAPE = ["type", "title", "status", "detail", "code", "instance", "errors"]


def _codes():
    for module in (metadata_errors, runtime_errors):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if isinstance(getattr(cls, "code", None), str):
                yield cls.code


@pytest.mark.parametrize("code", sorted(set(_codes())))
def test_every_problem_code_has_a_title_in_both_locales(code):
    english, chinese = title(code, "en"), title(code, "zh-CN")
    assert english and chinese and english != chinese
    assert english != title("no_such_code", "en") or code == "bad_request"


def test_the_preferred_supported_locale_wins():
    assert pick_locale("fr;q=1, zh-CN;q=0.8, en;q=0.5") == "zh-CN"
    assert pick_locale("de") == "en"
    assert pick_locale(None, "zh-CN") == "zh-CN"


def test_messages_render_from_their_code_and_plain_text_stays_as_it_is():
    message = Message("input.length.max", max=20)
    assert translate(message, "zh-CN") == "长度超过上限 20。"
    assert translate(message, "en") == "Longer than maximum length 20."
    assert translate("Longer than maximum length 20.", "zh-CN") == "Longer than maximum length 20."


@pytest.mark.parametrize("environ, locale", [
    ({}, "en"), ({"LANG": "zh_CN.UTF-8"}, "zh-CN"), ({"LANG": "C.UTF-8"}, "en"),
    ({"TESSERA_LOCALE": "en", "LANG": "zh_CN.UTF-8"}, "en"), ({"LC_ALL": "zh_TW", "LANG": "en_GB"}, "zh-CN"),
])
def test_the_command_line_locale_comes_from_tessera_locale_then_the_posix_variables(environ, locale):
    assert env_locale(environ) == locale


def test_templates_render_messages_in_the_request_locale(app):
    template = '{{ t("record.not_found", object="deal", id=7) }}'
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert render_template_string(template) == "不存在 id 为 7 的 deal 记录"
    with app.test_request_context():
        assert render_template_string(template) == "no deal record with id 7"


def test_the_problem_document_keeps_its_shape_and_key_order_in_every_locale(api):
    define(api, object_doc("deal", {"name": "title", "type": "text", "required": True}))
    for locale in ("en", "zh-CN"):
        response = api.post("/api/v1/objects/deal/records", json={}, headers={"Accept-Language": locale})
        body = json.loads(response.get_data(as_text=True))
        assert list(body) == PROBLEM_SHAPE
        assert response.headers["Content-Language"] == locale
