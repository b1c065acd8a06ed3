"""A sample of errors through the API, in English and in Simplified Chinese.

Each message is rendered from its code in the reader's locale (Accept-Language); the
problem document keeps exactly its shape.
"""

import pytest

from tessera.runtime.identity.users import create_token, create_user
from tests.conftest import Api
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, create

URL = "/api/v1/objects/thing/records"
THING = object_doc(
    "thing",
    {"name": "title", "type": "text", "max_length": 5},
    {"name": "amount", "type": "currency", "precision": 6, "scale": 2},
    {"name": "share", "type": "percent"},
    {"name": "count", "type": "number", "scale": 0},
    {"name": "done", "type": "boolean"},
    {"name": "due", "type": "date"},
    {"name": "at", "type": "datetime"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won"]},
    {"name": "tags", "type": "multi_picklist", "options": ["a", "b"]},
    {"name": "mail", "type": "email"},
    {"name": "site", "type": "url"},
    {"name": "phone", "type": "phone"},
    {"name": "account", "type": "lookup", "target": "account"},
)
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}

# field: (value, English message, Chinese message)
FIELD_ERRORS = {
    "title": ("too long", "Longer than maximum length 5.", "长度超过上限 5。"),
    "amount": ("12345.67", "must have at most 4 digits before the decimal point", "整数部分最多 4 位"),
    "share": ("0.123456", "must have at most 4 decimal places", "小数部分最多 4 位"),
    "count": ("1.5", "must be a whole number", "必须是整数"),
    "done": ("maybe", "Not a valid boolean.", "不是有效的布尔值。"),
    "due": ("2024-13-01", "Not a valid date.", "不是有效的日期。"),
    "at": ("yesterday", "Not a valid datetime.", "不是有效的日期时间。"),
    "stage": ("Lost", "Must be one of: Open, Won.", "必须是以下之一：Open, Won。"),
    "tags": (["c"], '"c" is not one of the options', "\"c\" 不是可选项之一"),
    "mail": ("nobody", "Not a valid email address.", "不是有效的电子邮件地址。"),
    "site": ("nowhere", "Not a valid URL.", "不是有效的网址。"),
    "phone": ("call me", "not a valid phone number", "不是有效的电话号码"),
    "colour": ("red", "Unknown field.", "未知字段。"),
}


@pytest.fixture
def things(api):
    assert define(api, object_doc("account", {"name": "name", "type": "text"}), THING).status_code == 200
    return api


@pytest.mark.parametrize("locale, index", [("en", 1), ("zh-CN", 2)])
def test_a_bad_value_of_each_field_type_is_explained_in_the_readers_locale(things, locale, index):
    payload = {field: value for field, (value, *_) in FIELD_ERRORS.items()}
    body = assert_problem(things.post(URL, json=payload, headers={"Accept-Language": locale}), 422, "validation_failed")
    assert body["errors"] == {field: [texts[index]] for field, texts in FIELD_ERRORS.items()}
    assert (body["title"], body["detail"]) == (("Validation failed", "the record is not valid") if locale == "en"
                                               else ("校验失败", "记录无效"))
    assert things.get(URL).get_json()["items"] == []


def test_a_lookup_to_a_missing_record_names_it_in_both_locales(things):
    for headers, text in ((EN, "no account record with id 99"), (ZH, "不存在 id 为 99 的 account 记录")):
        body = assert_problem(things.post(URL, json={"account": 99}, headers=headers), 422)
        assert body["errors"] == {"account": [text]}


def test_a_stale_version_is_explained_in_both_locales(things):
    record = create(things, "thing", {"title": "a"})
    things.patch(f"{URL}/{record['id']}", json={"title": "b"})
    stale = {"title": "c", "version": 1}
    en = assert_problem(things.patch(f"{URL}/{record['id']}", json=stale, headers=EN), 409, "stale_version")
    zh = assert_problem(things.patch(f"{URL}/{record['id']}", json=stale, headers=ZH), 409, "stale_version")
    assert (en["title"], en["detail"]) == ("Stale version", f"thing {record['id']} is at version 2, not 1")
    assert (zh["title"], zh["detail"]) == ("版本已过期", f"thing {record['id']} 的当前版本是 2，而不是 1")
    assert things.get(f"{URL}/{record['id']}").get_json()["title"] == "b"


def test_a_permission_refusal_is_explained_in_both_locales(things, app):
    rt = app.extensions["tessera"]
    with rt.write() as conn:
        token = create_token(conn, create_user(conn, "rep"))
    rep = Api(app.test_client(), token)
    en = assert_problem(rep.get(URL, headers=EN), 403, "permission_denied")
    zh = assert_problem(rep.get(URL, headers=ZH), 403, "permission_denied")
    assert (en["title"], en["detail"]) == ("Permission denied", "you may not read thing records")
    assert (zh["title"], zh["detail"]) == ("没有权限", "你无权对 thing 记录执行 read")


def test_the_users_own_locale_is_used_when_the_request_names_none(things, app):
    rt = app.extensions["tessera"]
    with rt.write() as conn:
        token = create_token(conn, create_user(conn, "li", locale="zh-CN"))
    body = assert_problem(Api(app.test_client(), token).get(URL), 403)
    assert body["detail"] == "你无权对 thing 记录执行 read"


def test_a_refused_publish_is_explained_in_both_locales(things):
    things.put("/api/v1/metadata/object/broken",
               json=object_doc("broken", {"name": "x", "type": "lookup", "target": "nowhere"}))
    en = assert_problem(things.post("/api/v1/metadata/publish", json={}, headers=EN), 422, "publish_refused")
    zh = assert_problem(things.post("/api/v1/metadata/publish", json={}, headers=ZH), 422, "publish_refused")
    assert en["detail"] == "the metadata set does not pass its checks, so it cannot be published"
    assert en["errors"] == {"object/broken:fields[0].target": ['target object "nowhere" does not exist']}
    assert zh["detail"] == "元数据未通过检查，无法发布"
    assert zh["errors"] == {"object/broken:fields[0].target": ["目标对象“nowhere”不存在"]}


def test_an_invalid_document_is_explained_by_json_schema_keyword_in_both_locales(things):
    doc = {"kind": "object", "name": "odd", "fields": [{"name": "x", "type": "text", "max_length": "long"}]}
    en = assert_problem(things.put("/api/v1/metadata/object/odd", json=doc, headers=EN), 422, "invalid_document")
    zh = assert_problem(things.put("/api/v1/metadata/object/odd", json=doc, headers=ZH), 422, "invalid_document")
    assert en["errors"]["fields[0].max_length"] == ["must be of type integer"]
    assert zh["errors"]["fields[0].max_length"] == ["类型必须是 integer"]


def test_a_formula_error_is_explained_in_both_locales(things):
    check = {"object": "thing", "expression": "amout + 1"}
    en = things.post("/api/v1/formula/check", json=check, headers=EN).get_json()
    zh = things.post("/api/v1/formula/check", json=check, headers=ZH).get_json()
    assert en["code"] == zh["code"] == "formula_error" and zh["title"] == "公式错误"
    assert en["detail"] == '1:1 unknown field "amout" (did you mean "amount"?)'
    assert zh["detail"] == '1:1 未知字段 "amout"（您是否想输入 "amount"？）'
    assert zh["errors"] == {"expression": [zh["detail"]]}
