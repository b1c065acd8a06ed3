"""The cn_credit_code field type end to end, on SQLite and PostgreSQL, through the REST API."""

import csv
import io

RECORDS = "/api/v1/objects/company/records"
COMPANY = {"kind": "object", "name": "company", "fields": [
    {"name": "title", "type": "text", "required": True},
    {"name": "credit_code", "type": "cn_credit_code", "unique": True,
     "label": {"en": "Credit code", "zh-CN": "统一社会信用代码"}},
]}
CODES = {"Fuzhou": "91350100M000100Y43", "Beijing": "91110000802100433B", "Shenzhen": "91440300708461136T"}


def define(client, doc=COMPANY):
    saved = client.call("put", f"/api/v1/metadata/object/{doc['name']}", json=doc)
    assert saved.status_code == 200, saved.get_json()
    published = client.call("post", "/api/v1/metadata/publish", json={})
    assert published.status_code == 200, published.get_json()


def create_companies(client):
    ids = {}
    for title, code in CODES.items():
        written = code.lower() if title == "Fuzhou" else code
        response = client.call("post", RECORDS, json={"title": title, "credit_code": written})
        assert response.status_code == 201, response.get_json()
        ids[title] = response.get_json()["id"]
    return ids


def titles(response):
    assert response.status_code == 200, response.get_json()
    return [item["title"] for item in response.get_json()["items"]]


def test_the_plugin_is_found_through_its_entry_point(client):
    assert "cn_credit_code" in client.app.extensions["tessera"].field_types


def test_a_credit_code_field_is_saved_published_and_stores_codes_in_upper_case(client):
    define(client)
    ids = create_companies(client)
    record = client.call("get", f"{RECORDS}/{ids['Fuzhou']}").get_json()
    assert record["credit_code"] == "91350100M000100Y43"


def test_credit_codes_filter_sort_and_export(client):
    define(client)
    create_companies(client)
    assert titles(client.call("get", RECORDS, query_string={"credit_code": "91350100m000100y43"})) == ["Fuzhou"]
    by_formula = client.call("get", RECORDS, query_string={"filter": 'credit_code = "91110000802100433B"'})
    assert titles(by_formula) == ["Beijing"]
    assert titles(client.call("get", RECORDS, query_string={"sort": "-credit_code"})) == ["Shenzhen", "Fuzhou", "Beijing"]
    exported = client.call("get", f"{RECORDS}/export", query_string={"format": "csv", "sort": "credit_code"})
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [row["credit_code"] for row in rows] == sorted(CODES.values())


def test_a_unique_credit_code_refuses_a_second_record_with_the_same_code(client):
    define(client)
    ids = create_companies(client)
    refused = client.call("patch", f"{RECORDS}/{ids['Beijing']}", json={"credit_code": "91440300708461136t"})
    assert refused.status_code == 409
    assert refused.get_json()["errors"] == {"credit_code": ["another record already has this value"]}


def test_a_changed_code_is_kept_in_the_record_history(client):
    define(client)
    ids = create_companies(client)
    client.call("delete", f"{RECORDS}/{ids['Shenzhen']}")
    changed = client.call("patch", f"{RECORDS}/{ids['Beijing']}", json={"credit_code": "91440300708461136t"})
    assert changed.status_code == 200, changed.get_json()
    history = client.call("get", f"{RECORDS}/{ids['Beijing']}/history").get_json()["items"]
    assert [(e["field"], e["old"], e["new"]) for e in history if e["action"] == "changed"] == [
        ("credit_code", "91110000802100433B", "91440300708461136T")]


BAD = [
    ("91350100M000100Y4", "a unified social credit code has 18 characters, not 17",
     "统一社会信用代码应为 18 个字符，而不是 17 个"),
    ("91350100M000100I43", '"I" is not used in unified social credit codes (never I, O, Z, S or V)',
     "统一社会信用代码中不使用字符“I”（不含 I、O、Z、S、V）"),
    ("91350100M000100Y44", 'the check character should be "3", not "4" (GB 32100-2015)',
     "校验码应为“3”，而不是“4”（GB 32100-2015）"),
]


def test_bad_codes_are_refused_with_a_reason_in_english_and_chinese_and_nothing_is_stored(client):
    define(client)
    for code, english, chinese in BAD:
        refused = client.call("post", RECORDS, json={"title": "Bad", "credit_code": code})
        assert refused.status_code == 422
        assert refused.get_json()["errors"] == {"credit_code": [english]}
        in_chinese = client.call("post", RECORDS, json={"title": "Bad", "credit_code": code},
                                 headers={"Accept-Language": "zh-CN"})
        assert in_chinese.status_code == 422
        assert in_chinese.get_json()["errors"] == {"credit_code": [chinese]}
    assert client.call("get", RECORDS).get_json()["items"] == []


def test_a_bad_static_default_is_refused_when_the_draft_is_saved(client):
    doc = {**COMPANY, "fields": [{"name": "credit_code", "type": "cn_credit_code", "default": "91350100M000100Y44"}]}
    refused = client.call("put", "/api/v1/metadata/object/company", json=doc)
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "fields[0].default": ['the check character should be "3", not "4" (GB 32100-2015)']}


def test_the_openapi_document_describes_a_credit_code(client):
    define(client)
    document = client.call("get", "/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["company"]["properties"]["credit_code"]
    assert schema["type"] == ["string", "null"]
    assert (schema["minLength"], schema["maxLength"]) == (18, 18)
    assert schema["pattern"] == "^[0123456789ABCDEFGHJKLMNPQRTUWXY]{18}$"
    assert schema["title"] == "Credit code"
