"""Errors are data: every error is an RFC 9457 problem document, in English or zh-CN."""

import pytest

from tessera.platform import create_app
from tests.conftest import Api
from tests.helpers import define, object_doc
from tests.platform.support import PROBLEM_KEYS, assert_problem, check_each, create, row_count

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "required": True, "max_length": 10},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won"]},
)
URL = "/api/v1/objects/deal/records"


@pytest.fixture
def deals(api):
    assert define(api, DEAL).status_code == 200
    return api


# -- malformed and unacceptable bodies --------------------------------------------------------

def test_malformed_json_answers_400_and_writes_nothing(deals, app):
    def check(raw):
        response = deals.post(URL, data=raw, headers={"Content-Type": "application/json"})
        assert_problem(response, 400, "malformed_json")
        assert row_count(app, "deal") == 0

    check_each([b"", b'{"title": ', b"{'title': 'x'}", b"[1, 2", b"\xff\xfe{}", b"NaNa", b'{"title": "x"} extra'], check)


def test_malformed_json_names_line_and_column(deals):
    response = deals.post(URL, data=b'{\n  "title": "x",\n  oops\n}', headers={"Content-Type": "application/json"})
    body = assert_problem(response, 400, "malformed_json")
    assert "line 3" in body["detail"]


def test_a_body_that_is_not_json_answers_415(deals, app):
    def check(content_type):
        response = deals.post(URL, data=b'{"title": "x"}', headers={"Content-Type": content_type})
        assert_problem(response, 415, "unsupported_media_type")
        assert row_count(app, "deal") == 0

    check_each(["text/plain", "application/x-www-form-urlencoded", "application/xml"], check)


def test_json_with_a_charset_is_accepted(deals):
    response = deals.post(URL, data='{"title": "中文"}'.encode(), headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201
    assert response.get_json()["title"] == "中文"


def test_a_metadata_document_with_malformed_json_answers_400(api):
    response = api.put("/api/v1/metadata/object/deal", data=b'{"kind": "object",', headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "malformed_json")
    assert_problem(api.get("/api/v1/metadata/object/deal"), 404)


@pytest.fixture
def small_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "MAX_CONTENT_LENGTH": 2000})
    yield app
    app.extensions["tessera"].dispose()


@pytest.fixture
def small_api(small_app):
    from tessera.runtime.identity.users import create_token, create_user

    with small_app.extensions["tessera"].write() as conn:
        token = create_token(conn, create_user(conn, "admin", is_admin=True))
    api = Api(small_app.test_client(), token)
    assert define(api, object_doc("deal", {"name": "title", "type": "long_text"})).status_code == 200
    return api


def test_a_body_over_the_size_limit_answers_413_and_writes_nothing(small_app, small_api):
    response = small_api.post(URL, json={"title": "x" * 5000})
    body = assert_problem(response, 413, "payload_too_large")
    assert "2000" in body["detail"]
    assert row_count(small_app, "deal") == 0
    assert small_api.post(URL, json={"title": "x" * 1000}).status_code == 201


def test_an_oversized_batch_answers_413(small_app, small_api):
    response = small_api.post(URL, json=[{"title": "x" * 100} for _ in range(40)])
    assert_problem(response, 413, "payload_too_large")
    assert row_count(small_app, "deal") == 0


# -- not found and not allowed ----------------------------------------------------------------

def test_unknown_objects_records_and_routes_answer_404_and_wrong_methods_405(deals):
    body = assert_problem(deals.get("/api/v1/objects/nothing/records"), 404, "object_not_found")
    assert "nothing" in body["detail"]
    assert_problem(deals.get(f"{URL}/12345"), 404, "record_not_found")
    assert_problem(deals.get("/api/v1/no/such/thing"), 404, "not_found")
    assert_problem(deals.put(URL, json={"title": "x"}), 405, "method_not_allowed")


# -- the shape of every problem --------------------------------------------------------------

def sample_errors(api, client):
    """One request for every kind of error the foundation answers, and its expected status."""
    define(api, DEAL, object_doc("account", {"name": "name", "type": "text"}),
           object_doc("contact", {"name": "account", "type": "lookup", "target": "account"}))
    record = create(api, "deal", {"title": "x"})
    account = create(api, "account", {"name": "a"})
    create(api, "contact", {"account": account["id"]})
    api.patch(f"{URL}/{record['id']}", json={"title": "y"})
    json_header = {"Content-Type": "application/json"}
    return [
        (401, client.get(URL)),
        (401, client.get(URL, headers={"Authorization": "Bearer tsr_wrong"})),
        (401, client.get(URL, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})),
        (400, api.post(URL, data=b"{", headers=json_header)),
        (415, api.post(URL, data=b"x", headers={"Content-Type": "text/plain"})),
        (404, api.get("/api/v1/objects/ghost/records")),
        (404, api.get(f"{URL}/999")),
        (404, api.get("/api/v1/nowhere")),
        (405, api.delete(URL)),
        (422, api.post(URL, json={"amount": "abc", "stage": "Maybe"})),
        (422, api.post(URL, json=[{"title": "ok"}, {"title": "way too long for this"}])),
        (409, api.patch(f"{URL}/{record['id']}", json={"title": "z", "version": 1})),
        (409, api.delete(f"/api/v1/objects/account/records/{account['id']}")),
        (400, api.get(URL, query_string={"sort": "nope"})),
        (400, api.get(URL, query_string={"cursor": "nope"})),
        (400, api.get(URL, query_string={"limit": "0"})),
        (404, api.get("/api/v1/metadata/widget")),
        (404, api.get("/api/v1/metadata/object/nothing")),
        (422, api.put("/api/v1/metadata/object/bad", json=object_doc("bad", {"name": "id", "type": "text"}))),
        (400, api.get("/api/v1/metadata/object?state=wrong")),
    ]


def test_every_error_response_has_exactly_the_problem_shape(api, app):
    for expected_status, response in sample_errors(api, app.test_client()):
        assert response.status_code == expected_status, (expected_status, response.get_data(as_text=True))
        body = assert_problem(response, expected_status)
        assert set(body) in (PROBLEM_KEYS, PROBLEM_KEYS | {"errors"})
        assert body["type"].endswith(body["code"])
        assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_lookup_publish_refusal_and_a_lossy_refusal_are_problems_too(api):
    define(api, DEAL)
    create(api, "deal", {"title": "x", "amount": "5"})
    api.put("/api/v1/metadata/object/deal", json=object_doc("deal", {"name": "title", "type": "text"}))
    assert_problem(api.post("/api/v1/metadata/publish", json={}), 409, "lossy_change_refused")
    api.put("/api/v1/metadata/object/other", json=object_doc("other", {"name": "x", "type": "lookup", "target": "nope"}))
    assert_problem(api.post("/api/v1/metadata/publish", json={}), 422, "publish_refused")


def test_unauthenticated_answers_carry_a_bearer_challenge(app):
    response = app.test_client().get(URL)
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# -- zh-CN ----------------------------------------------------------------------------------

def test_validation_errors_are_in_chinese_on_request(deals):
    response = deals.post(URL, json={"amount": "abc", "stage": "Maybe", "colour": "red"},
                          headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    body = assert_problem(response, 422, "validation_failed")
    assert body["title"] == "校验失败"
    assert body["detail"] == "记录无效"
    assert body["errors"]["title"] == ["缺少必填字段。"]
    assert body["errors"]["amount"] == ["不是有效的数字。"]
    assert body["errors"]["colour"] == ["未知字段。"]
    assert body["errors"]["stage"][0].startswith("必须是以下之一")
    assert response.headers["Content-Language"] == "zh-CN"


def test_not_found_and_conflict_titles_are_in_chinese_on_request(deals):
    zh = {"Accept-Language": "zh-CN"}
    assert assert_problem(deals.get("/api/v1/objects/ghost/records", headers=zh), 404)["title"] == "未找到对象"
    body = assert_problem(deals.get(f"{URL}/77", headers=zh), 404)
    assert body["title"] == "未找到记录"
    assert body["detail"] == "不存在 id 为 77 的 deal 记录"
    record = create(deals, "deal", {"title": "x"})
    deals.patch(f"{URL}/{record['id']}", json={"title": "y"})
    body = assert_problem(deals.patch(f"{URL}/{record['id']}", json={"title": "z", "version": 1}, headers=zh), 409)
    assert body["title"] == "版本已过期"


def test_http_level_errors_are_in_chinese_on_request(deals, app):
    zh = {"Accept-Language": "zh-CN"}
    body = assert_problem(deals.post(URL, data=b"{", headers={**zh, "Content-Type": "application/json"}), 400)
    assert (body["title"], body["detail"]) == ("JSON 格式错误", "请求体不是有效的 JSON（第 1 行，第 2 列）")
    body = assert_problem(app.test_client().get(URL, headers=zh), 401)
    assert body["title"] == "需要身份验证"
    body = assert_problem(deals.put("/api/v1/metadata/object/x", json=object_doc("x", {"name": "select", "type": "text"}),
                                    headers=zh), 422)
    assert body["title"] == "元数据文档无效"
    assert body["errors"]["fields[0].name"] == ["“select”是保留字"]


def test_english_is_the_default_and_unsupported_languages_fall_back_to_it(deals):
    for header in ({}, {"Accept-Language": "fr-FR"}, {"Accept-Language": "de;q=0.9, en;q=0.8"}):
        body = assert_problem(deals.post(URL, json={}, headers=header), 422)
        assert body["title"] == "Validation failed"
        assert body["errors"]["title"] == ["Missing data for required field."]
