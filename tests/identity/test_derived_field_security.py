"""Formula and roll-up fields inherit the read restrictions of the fields they read.

Reps (``sales_rep``) may not read ``opportunity.margin`` nor ``account.rating``; every
field derived from those is hidden from them on every surface, while administrators see
everything. Sharing-rule criteria are metadata: they may read fields the grantee cannot.
"""

import json
from decimal import Decimal

import pytest

from tests.helpers import define, object_doc
from tests.identity.conftest import OPPORTUNITY, SALES_REP, url
from tests.platform.support import assert_problem

ACCOUNT = object_doc(
    "account",
    {"name": "name", "type": "text", "required": True},
    {"name": "rating", "type": "number"},
    {"name": "total_margin", "type": "rollup", "child": "opportunity", "via": "account", "function": "SUM",
     "of": "margin"},
    {"name": "total_amount", "type": "rollup", "child": "opportunity", "via": "account", "function": "SUM",
     "of": "amount"},
    {"name": "deal_count", "type": "rollup", "child": "opportunity", "via": "account", "function": "COUNT"},
    {"name": "big_margin_count", "type": "rollup", "child": "opportunity", "via": "account", "function": "COUNT",
     "filter": "margin > 10"},
    sharing="public_read",
)
DERIVED_OPPORTUNITY = {**OPPORTUNITY, "fields": OPPORTUNITY["fields"] + [
    {"name": "account", "type": "lookup", "target": "account"},
    {"name": "margin_pct", "type": "formula", "returns": "number", "expression": "margin / amount"},
    {"name": "margin_hi", "type": "formula", "returns": "boolean", "expression": "margin > 10"},
    {"name": "margin_points", "type": "formula", "returns": "number", "expression": "margin_pct * 100"},
    {"name": "account_rating", "type": "formula", "returns": "number", "expression": "account.rating"},
    {"name": "double_amount", "type": "formula", "returns": "currency", "expression": "amount * 2"},
]}
DERIVED_REP = {**SALES_REP, "objects": {**SALES_REP["objects"], "account": {
    "create": True, "read": True, "edit": True, "fields": {"rating": {"read": False}}}}}
OVER_MARGIN = ("margin_pct", "margin_hi", "margin_points")


@pytest.fixture
def deal(org):
    """The id of alice's deal (amount 100, margin 42) on an account rated 7; the account's id too."""
    assert define(org.admin, ACCOUNT, DERIVED_OPPORTUNITY, DERIVED_REP).status_code == 200
    account = org.admin.post(url(object_name="account"), json={"name": "ACME", "rating": 7}).get_json()["id"]
    record = org.create("alice", title="deal", amount="100.00", region="East", account=account)
    assert org.admin.patch(url(record), json={"margin": "42.00"}).status_code == 200
    return record, account


def _refused_silently(response):
    body = assert_problem(response, 403, "field_access_denied")
    assert "margin" not in json.dumps(body) and "rating" not in json.dumps(body)


def test_a_formula_field_over_a_hidden_field_is_absent_from_reads_and_lists(org, deal):
    record, _ = deal
    seen = org["alice"].get(url(record)).get_json()
    assert not set(OVER_MARGIN) & set(seen) and seen["double_amount"] == "200.00"
    for item in org["alice"].get(url()).get_json()["items"]:
        assert not set(OVER_MARGIN) & set(item) and "double_amount" in item


def test_a_formula_field_over_a_hidden_field_cannot_be_sorted_filtered_or_selected(org, deal):
    for query in ({"sort": "-margin_pct"}, {"fields": "title,margin_pct"}, {"filter": "margin_hi"},
                  {"filter": "margin_pct > 0.1"}, {"margin_hi": "true"}, {"sort": "margin_points"}):
        _refused_silently(org["alice"].get(url(), query_string=query))
    record, _ = deal
    sorted_by_visible = org["alice"].get(url(), query_string={"sort": "-double_amount"})
    assert [i["id"] for i in sorted_by_visible.get_json()["items"]] == [record]


def test_formula_evaluate_refuses_a_formula_field_over_a_hidden_field(org, deal):
    record, _ = deal
    for expression in ("margin_pct * amount", "margin_points"):
        body = {"object": "opportunity", "expression": expression, "record_id": record}
        _refused_silently(org["alice"].post("/api/v1/formula/evaluate", json=body))
        _refused_silently(org["alice"].post("/api/v1/formula/check", json=body))


def test_the_openapi_document_a_rep_fetches_leaves_out_derived_fields_over_hidden_fields(org, deal):
    schemas = org["alice"].get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert not set(OVER_MARGIN) & set(schemas["opportunity"]["properties"])
    assert "account_rating" not in schemas["opportunity"]["properties"]
    assert "total_margin" not in schemas["account"]["properties"]
    assert {"double_amount", "title"} <= set(schemas["opportunity"]["properties"])


def test_a_formula_field_over_a_hidden_formula_field_is_hidden_too(org, deal):
    record, _ = deal
    assert "margin_points" not in org["alice"].get(url(record)).get_json()
    _refused_silently(org["alice"].get(url(), query_string={"filter": "margin_points > 1"}))
    assert Decimal(org.admin.get(url(record)).get_json()["margin_points"]) == 42


def test_a_formula_reaching_a_hidden_field_through_a_lookup_is_hidden(org, deal):
    record, _ = deal
    seen = org["alice"].get(url(record)).get_json()
    assert "account_rating" not in seen and "account" in seen
    _refused_silently(org["alice"].get(url(), query_string={"sort": "account_rating"}))
    _refused_silently(org["alice"].get(url(), query_string={"filter": "account_rating > 5"}))


def test_a_sum_roll_up_over_a_hidden_child_field_is_hidden(org, deal):
    _, account = deal
    seen = org["alice"].get(url(account, "account")).get_json()
    assert "total_margin" not in seen and seen["total_amount"] == "100.00"
    for query in ({"sort": "-total_margin"}, {"filter": "total_margin > 1"}, {"fields": "total_margin"}):
        _refused_silently(org["alice"].get(url(object_name="account"), query_string=query))


def test_a_count_roll_up_stays_visible_unless_its_filter_reads_a_hidden_field(org, deal):
    _, account = deal
    seen = org["alice"].get(url(account, "account")).get_json()
    assert seen["deal_count"] == "1" and "big_margin_count" not in seen
    assert org["alice"].get(url(object_name="account"), query_string={"sort": "-deal_count"}).status_code == 200


def test_my_profile_does_not_list_derived_fields_over_hidden_fields(org, deal):
    objects = org["alice"].get("/api/v1/users/me").get_json()["permissions"]["objects"]
    assert not set(OVER_MARGIN) & set(objects["opportunity"]["readable_fields"])
    assert "total_margin" not in objects["account"]["readable_fields"]
    assert "deal_count" in objects["account"]["readable_fields"]


def test_a_user_who_may_read_the_source_fields_sees_the_derived_fields(org, deal):
    record, _ = deal
    reader = {"kind": "permission_set", "name": "margin_reader",
              "objects": {"opportunity": {"read": True, "field_default": "none", "fields": {"margin": {"read": True}}}}}
    define(org.admin, reader)
    org.admin.patch(f"/api/v1/users/{org.ids['alice']}", json={"permission_sets": ["sales_rep", "margin_reader"]})
    seen = org.client_for("alice").get(url(record)).get_json()
    assert Decimal(seen["margin_pct"]) == Decimal("0.42") and seen["margin_hi"] is True
    assert "account_rating" not in seen


def test_an_administrator_still_sees_and_sorts_on_every_derived_field(org, deal):
    record, account = deal
    seen = org.admin.get(url(record)).get_json()
    assert Decimal(seen["margin_pct"]) == Decimal("0.42") and Decimal(seen["account_rating"]) == 7
    assert seen["margin_hi"] is True
    assert org.admin.get(url(account, "account")).get_json()["total_margin"] == "42.00"
    assert org.admin.get(url(), query_string={"sort": "-margin_pct", "filter": "margin_hi"}).status_code == 200
    schemas = org.admin.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"margin_pct", "account_rating"} <= set(schemas["opportunity"]["properties"])


def test_a_sharing_rule_on_a_field_the_grantee_cannot_read_still_opens_the_records(org):
    rule = {"kind": "sharing_rule", "name": "high_margins_for_the_east", "object": "opportunity",
            "criteria": 'margin > 10 && $user.team = "east"', "access": "read", "share_with": {"team": "sales"}}
    assert define(org.admin, rule).status_code == 200
    for title, margin in (("rich", "42.00"), ("poor", "5.00")):
        record = org.create("alice", title=title, region="East")
        org.admin.patch(url(record), json={"margin": margin})
    seen = org["bob"].get(url()).get_json()["items"]
    assert [item["title"] for item in seen] == ["rich"] and "margin" not in seen[0]
    assert org["dave"].get(url()).get_json()["items"] == []  # $user is still the grantee
