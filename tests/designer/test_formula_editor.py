"""The formula editor's server side: the completion APIs (functions in the reader's language,
fields as field-level security lets the reader see them, drafts for administrators), the
draft check, the editor's texts and the formula workbench page."""

import re

import pytest

from tests.designer.conftest import BASE
from tests.platform.support import assert_problem

EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}


def by_name(items):
    return {item["name"]: item for item in items}


# -- functions ---------------------------------------------------------------------------

def test_functions_come_with_signature_result_type_and_a_description_in_english(shop):
    found = shop.browser("rita").get(f"{BASE}/api/v1/formula/functions", headers=EN)
    assert found.status_code == 200
    functions = by_name(found.get_json()["functions"])
    round_ = functions["ROUND"]
    assert round_["signature"] == "ROUND(number, [digits])"
    assert round_["parameters"] == [{"name": "number", "type": "number", "optional": False},
                                    {"name": "digits", "type": "number", "optional": True}]
    assert round_["returns"] == "number"
    assert round_["description"] == "rounded half away from zero to digits places"
    assert functions["IF"]["returns"] is None  # the branches decide


def test_functions_are_described_in_chinese_for_a_chinese_reader(shop):
    body = shop.browser("rita").get(f"{BASE}/api/v1/formula/functions", headers=ZH).get_json()
    assert by_name(body["functions"])["ROUND"]["description"] == "四舍五入到 digits 位小数"
    assert by_name(body["globals"])["$today"] == {"name": "$today", "type": "date", "description": "组织时区的当前日期"}


def test_every_function_has_a_description_in_both_languages(shop):
    client = shop.browser("rita")
    for headers in (EN, ZH):
        functions = client.get(f"{BASE}/api/v1/formula/functions", headers=headers).get_json()["functions"]
        assert functions and all(f["description"].strip() for f in functions)
    english = client.get(f"{BASE}/api/v1/formula/functions", headers=EN).get_json()["functions"]
    chinese = client.get(f"{BASE}/api/v1/formula/functions", headers=ZH).get_json()["functions"]
    same = [e["name"] for e, z in zip(english, chinese) if e["description"] == z["description"]]
    assert same == [], same  # a plugin's function too, from the plugin's own catalog


def test_a_context_leaves_out_the_functions_it_does_not_allow(shop):
    client = shop.browser("rita")
    in_filters = by_name(client.get(f"{BASE}/api/v1/formula/functions?context=filter").get_json()["functions"])
    in_rules = by_name(client.get(f"{BASE}/api/v1/formula/functions?context=validation").get_json()["functions"])
    assert "ISCHANGED" not in in_filters and "ISCHANGED" in in_rules and "ROUND" in in_filters
    assert_problem(client.get(f"{BASE}/api/v1/formula/functions?context=nonsense"), 400, "bad_request")


def test_the_completion_apis_need_a_signed_in_caller(shop):
    anonymous = shop.browser()
    for path in ("/api/v1/formula/functions", "/api/v1/formula/fields?object=opportunity"):
        assert_problem(anonymous.get(f"{BASE}{path}"), 401)


# -- fields ------------------------------------------------------------------------------

def test_fields_offer_what_the_reader_may_read_with_types_and_lookup_targets(shop):
    body = shop.browser("rita").get(f"{BASE}/api/v1/formula/fields?object=opportunity").get_json()
    fields = by_name(body["fields"])
    assert body["object"] == "opportunity" and body["label"]["en"] == "Opportunity"
    assert "margin" not in fields  # hidden from reps by field-level security
    assert fields["amount"]["type"] == "currency" and fields["amount"]["label"]["en"]
    assert fields["account"]["target"] == "account" and fields["account"]["type"] == "lookup"
    assert fields["owner"]["target"] == "user" and fields["owner"]["field_type"] == "system"
    assert set(fields["stage"]["options"]) >= {"Won", "Lost"}
    assert [f["name"] for f in body["fields"]][:2] == ["title", "account"]  # its own fields first, then id, owner, ...


def test_an_administrator_is_offered_every_field(shop):
    fields = by_name(shop.browser("ada").get(f"{BASE}/api/v1/formula/fields?object=opportunity").get_json()["fields"])
    assert "margin" in fields


def test_a_lookup_to_users_completes_with_the_public_user_fields(shop):
    fields = by_name(shop.browser("rita").get(f"{BASE}/api/v1/formula/fields?object=user").get_json()["fields"])
    assert set(fields) == {"id", "username", "display_name", "email", "locale"}


def test_fields_of_an_object_the_reader_may_not_read_or_that_does_not_exist_are_refused(shop):
    client = shop.browser("rita")
    assert_problem(client.get(f"{BASE}/api/v1/formula/fields?object=account"), 403)
    assert_problem(client.get(f"{BASE}/api/v1/formula/fields?object=nothing_here"), 404)
    assert_problem(client.get(f"{BASE}/api/v1/formula/fields"), 400, "bad_request")
    assert_problem(client.get(f"{BASE}/api/v1/formula/fields?object=opportunity&draft=maybe"), 400, "bad_request")


# -- drafts ------------------------------------------------------------------------------

@pytest.fixture
def drafted(shop):
    """ada's client after she drafted a ``discount_note`` field on opportunity (not published)."""
    ada = shop.browser("ada")
    doc = ada.get(f"{BASE}/api/v1/metadata/object/opportunity").get_json()["body"]
    doc["fields"].append({"name": "discount_note", "type": "text", "label": {"en": "Discount note"}})
    saved = ada.put(f"{BASE}/api/v1/metadata/object/opportunity", json=doc, headers={"X-CSRF-Token": ada.csrf})
    assert saved.status_code == 200, saved.get_json()
    return ada


def test_an_administrator_completes_and_checks_fields_of_the_draft(drafted):
    fields = by_name(drafted.get(f"{BASE}/api/v1/formula/fields?object=opportunity&draft=true").get_json()["fields"])
    assert fields["discount_note"]["label"] == {"en": "Discount note"}
    check = {"object": "opportunity", "expression": "LEN(discount_note) > 3", "draft": True}
    checked = drafted.post(f"{BASE}/api/v1/formula/check", json=check, headers={"X-CSRF-Token": drafted.csrf})
    assert checked.status_code == 200 and checked.get_json()["type"] == "boolean"
    published = drafted.post(f"{BASE}/api/v1/formula/check", json={**check, "draft": False},
                             headers={"X-CSRF-Token": drafted.csrf})
    assert published.status_code == 400 and published.get_json()["diagnostics"][0]["column"] == 5


def test_a_draft_check_names_the_line_and_column_of_a_typo(drafted):
    check = {"object": "opportunity", "expression": "amount * (1 - discout)", "draft": True}
    body = drafted.post(f"{BASE}/api/v1/formula/check", json=check, headers={"X-CSRF-Token": drafted.csrf}).get_json()
    diagnostic = body["diagnostics"][0]
    assert (diagnostic["line"], diagnostic["column"], diagnostic["end_column"]) == (1, 15, 22)
    assert diagnostic["token"] == "discout" and "discount" in diagnostic["message"]


def test_only_administrators_see_drafts(shop):
    rita = shop.browser("rita")
    assert_problem(rita.get(f"{BASE}/api/v1/formula/fields?object=opportunity&draft=true"), 403)
    check = {"object": "opportunity", "expression": "amount > 0", "draft": True}
    assert_problem(rita.post(f"{BASE}/api/v1/formula/check", json=check, headers={"X-CSRF-Token": rita.csrf}), 403)
    refused = rita.post(f"{BASE}/api/v1/formula/check", json={**check, "draft": "yes"}, headers={"X-CSRF-Token": rita.csrf})
    assert_problem(refused, 400, "bad_request")


# -- the editor's texts and the workbench ---------------------------------------------------

def test_the_editor_fetches_its_texts_in_the_readers_language(shop):
    texts = shop.browser("rita").get(f"{BASE}/app/formula-editor/texts").get_json()
    assert texts["try_button"] == "Try on a record" and texts["type.currency"] == "currency"
    assert "{line}" in texts["error_at"] and "{column}" in texts["error_at"]
    assert shop.browser().get(f"{BASE}/app/formula-editor/texts").status_code == 302


def test_the_workbench_offers_the_objects_an_editor_and_the_function_reference(shop):
    page = shop.browser("ada").get(f"{BASE}/app/design/formula?object=opportunity&returns=number")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    textarea = re.search(r"<textarea [^>]*>", html).group(0)
    assert all(part in textarea for part in ("data-formula", 'data-formula-object="opportunity"',
                                             'data-formula-type="number"', 'name="expression"'))
    assert "formula_editor.js" in html and 'id="nav-design-formula"' in html
    assert '<tr data-function="ROUND"><td><code>ROUND(number, [digits])</code>' in html
    assert "<script>" not in html.split("</head>")[1]


def test_the_workbench_falls_back_to_the_first_object_for_an_unknown_one(shop):
    html = shop.browser("ada").get(f"{BASE}/app/design/formula?object=nope").get_data(as_text=True)
    assert 'data-formula-object="account"' in html


def test_the_workbench_is_for_administrators(shop):
    assert shop.browser("rita").get(f"{BASE}/app/design/formula").status_code == 403
    anonymous = shop.browser().get(f"{BASE}/app/design/formula")
    assert anonymous.status_code == 302 and "/app/login" in anonymous.headers["Location"]
