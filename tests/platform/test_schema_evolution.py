"""Changing a published model that already holds records, on SQLite and PostgreSQL.

Safe changes keep every record and value. Lossy changes are refused with 409
``lossy_change_refused`` naming what would be lost and change nothing at all; with
``{"confirm_data_loss": true}`` they go through and do what the plan said.
"""

import pytest
import sqlalchemy as sa

from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import (
    assert_problem, column_names, create, runtime_of, current_revision, published_document, raw_rows, records,
    state_snapshot, table_names,
)

TITLE = {"name": "title", "type": "text", "max_length": 40}
CODE = {"name": "code", "type": "text", "max_length": 20}
STAGE = {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]}
PRODUCTS = {"name": "products", "type": "multi_picklist", "options": ["Pumps", "Valves", "Sensors"]}
AMOUNT = {"name": "amount", "type": "currency", "scale": 2}


def deal(*fields):
    return object_doc("deal", TITLE, *fields)


def build_deals(api):
    """Publish ``deal`` and create its three records; return them."""
    assert define(api, deal(CODE, STAGE, PRODUCTS, AMOUNT)).status_code == 200
    return {"records": [
        create(api, "deal", {"title": "Pump retrofit", "code": "PR-0001-EAST", "stage": "Won",
                             "products": ["Pumps", "Valves"], "amount": "12500.50"}),
        create(api, "deal", {"title": "Sensor pilot", "code": "SP-2", "stage": "Lost",
                             "products": ["Sensors"], "amount": "800.00"}),
        create(api, "deal", {"title": "Valve order", "stage": "Open"}),
    ]}


database_seed = seeds_for(deals=api_seed("evolution_deals", build_deals))


@pytest.fixture
def deals(api, seed_data):
    """A published ``deal`` with three records."""
    return seed_data["records"]


def values(items, *names):
    return [{n: item.get(n) for n in ("id", "version", *names)} for item in items]


ALL = ("title", "code", "stage", "products", "amount")


# -- safe changes ---------------------------------------------------------------------------

def test_adding_a_field_keeps_every_record_and_value(api, app, deals):
    before = values(records(api, "deal"), *ALL)
    response = define(api, deal(CODE, STAGE, PRODUCTS, AMOUNT, {"name": "due", "type": "date"}))
    assert response.status_code == 200, response.get_json()
    assert [s["op"] for s in response.get_json()["steps"]] == ["add_column"]
    after = records(api, "deal")
    assert values(after, *ALL) == before
    assert all(item["due"] is None for item in after)
    assert "due" in column_names(app, "deal")
    patched = api.patch(f"/api/v1/objects/deal/records/{deals[0]['id']}", json={"due": "2026-12-31"})
    assert patched.get_json()["due"] == "2026-12-31"


def test_making_a_text_field_longer_keeps_values_and_accepts_longer_ones(api, deals):
    before = values(records(api, "deal"), *ALL)
    longer = {**CODE, "max_length": 80}
    response = define(api, deal(longer, STAGE, PRODUCTS, AMOUNT))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["lossy"] is False
    assert values(records(api, "deal"), *ALL) == before
    long_code = "L" * 80
    assert create(api, "deal", {"title": "Long", "code": long_code})["code"] == long_code


def test_adding_a_picklist_option_keeps_values_and_accepts_the_new_option(api, deals):
    before = values(records(api, "deal"), *ALL)
    wider = {**STAGE, "options": ["Open", "Won", "Lost", "On hold"]}
    response = define(api, deal(CODE, wider, PRODUCTS, AMOUNT))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["steps"] == []
    assert values(records(api, "deal"), *ALL) == before
    assert create(api, "deal", {"title": "Paused", "stage": "On hold"})["stage"] == "On hold"


def test_adding_an_object_keeps_the_records_of_the_others(api, app, deals):
    before = values(records(api, "deal"), *ALL)
    response = define(api, object_doc("project", TITLE, {"name": "deal", "type": "lookup", "target": "deal"}))
    assert response.status_code == 200, response.get_json()
    assert values(records(api, "deal"), *ALL) == before
    assert "obj_project" in table_names(app)
    assert create(api, "project", {"title": "Rollout", "deal": deals[0]["id"]})["deal"] == deals[0]["id"]


def test_widening_a_currency_field_keeps_exact_values(api, deals):
    before = values(records(api, "deal"), *ALL)
    response = define(api, deal(CODE, STAGE, PRODUCTS, {**AMOUNT, "precision": 20, "scale": 2}))
    assert response.status_code == 200, response.get_json()
    assert values(records(api, "deal"), *ALL) == before


def test_a_lossy_kind_of_change_with_no_data_affected_needs_no_confirmation(api, app):
    define(api, deal(CODE, {"name": "notes", "type": "long_text"}))
    create(api, "deal", {"title": "No notes", "code": "ABC"})
    response = define(api, deal(CODE))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["lossy"] is False
    assert "notes" not in column_names(app, "deal")
    assert records(api, "deal")[0]["code"] == "ABC"


# -- lossy changes: refused, then confirmed -------------------------------------------------------

def drop_code():
    return deal(STAGE, PRODUCTS, AMOUNT)


def narrow_code():
    return deal({**CODE, "max_length": 5}, STAGE, PRODUCTS, AMOUNT)


def remove_lost():
    return deal(CODE, {**STAGE, "options": ["Open", "Won"]}, PRODUCTS, AMOUNT)


def code_to_number():
    return deal({"name": "code", "type": "number"}, STAGE, PRODUCTS, AMOUNT)


def remove_valves():
    return deal(CODE, STAGE, {**PRODUCTS, "options": ["Pumps", "Sensors"]}, AMOUNT)


def fewer_decimals():
    return deal(CODE, STAGE, PRODUCTS, {**AMOUNT, "scale": 0})


def code_to_picklist():
    return deal({"name": "code", "type": "picklist", "options": ["SP-2", "XX-1"]}, STAGE, PRODUCTS, AMOUNT)


LOSSY = {
    "turn a text field into a picklist missing stored values": (code_to_picklist, "deal.code", 1),
    "keep fewer decimals than the values have": (fewer_decimals, "deal.amount", 1),
    "drop a field with data": (drop_code, "deal.code", 2),
    "narrow a text field below existing values": (narrow_code, "deal.code", 1),
    "remove a used picklist option": (remove_lost, "deal.stage", 1),
    "change a field's type from text to number": (code_to_number, "deal.code", 2),
    "remove a used multi-picklist option": (remove_valves, "deal.products", 1),
}


@pytest.mark.parametrize("change", LOSSY.values(), ids=list(LOSSY))
def test_a_lossy_change_is_refused_naming_what_would_be_lost_and_changes_nothing(api, app, deals, change):
    make_doc, target, affected = change
    before = state_snapshot(app, api, "deal")
    before_rows = raw_rows(app, "deal", "code", "stage", "products")
    api.put("/api/v1/metadata/object/deal", json=make_doc())

    body = assert_problem(api.post("/api/v1/metadata/publish", json={}), 409, "lossy_change_refused")
    assert list(body["errors"]) == [target]
    assert f"{affected} record(s)" in body["errors"][target][0]
    assert state_snapshot(app, api, "deal") == before
    assert raw_rows(app, "deal", "code", "stage", "products") == before_rows

    body = assert_problem(api.post("/api/v1/metadata/publish", json={"confirm_data_loss": False}), 409,
                          "lossy_change_refused")
    assert state_snapshot(app, api, "deal") == before


def test_publishing_without_a_body_does_not_confirm_data_loss(api, app, deals):
    before = state_snapshot(app, api, "deal")
    api.put("/api/v1/metadata/object/deal", json=drop_code())
    assert_problem(api.post("/api/v1/metadata/publish"), 409, "lossy_change_refused")
    assert state_snapshot(app, api, "deal") == before


def confirm(api):
    response = api.post("/api/v1/metadata/publish", json={"confirm_data_loss": True})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_confirmed_field_drop_removes_the_column_and_keeps_other_values(api, app, deals):
    api.put("/api/v1/metadata/object/deal", json=drop_code())
    planned = api.get("/api/v1/metadata/plan").get_json()
    result = confirm(api)
    assert [(s["op"], s["target"]) for s in result["steps"]] == [(s["op"], s["target"]) for s in planned["steps"]]
    assert [(s["op"], s["target"]) for s in result["steps"]] == [("drop_column", "deal.code")]
    assert result["lossy"] is True and result["revision"] == 2
    assert "code" not in column_names(app, "deal")
    after = records(api, "deal")
    assert all("code" not in item for item in after)
    assert [(i["title"], i["stage"], i["amount"]) for i in after] == [
        ("Pump retrofit", "Won", "12500.50"), ("Sensor pilot", "Lost", "800.00"), ("Valve order", "Open", None)]


def test_a_confirmed_narrowing_cuts_the_values_that_were_too_long(api, app, deals):
    api.put("/api/v1/metadata/object/deal", json=narrow_code())
    confirm(api)
    assert [item["code"] for item in records(api, "deal")] == ["PR-00", "SP-2", None]
    assert [r["code"] for r in raw_rows(app, "deal", "code")] == ["PR-00", "SP-2", None]
    assert_problem(api.post("/api/v1/objects/deal/records", json={"title": "x", "code": "TOO-LONG"}), 422,
                   "validation_failed")


def declared_code_type(app):
    """How the database declares ``obj_deal.code``: SQLite's declared type, PostgreSQL's length."""
    with runtime_of(app).read() as conn:
        if conn.dialect.name == "sqlite":
            return {r["name"]: r["type"] for r in conn.exec_driver_sql("PRAGMA table_info(obj_deal)").mappings()}["code"]
        return conn.execute(sa.text(
            "SELECT character_maximum_length FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'obj_deal' AND column_name = 'code'")).scalar_one()


def deal_indexes(app):
    with runtime_of(app).read() as conn:
        return sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                      for i in sa.inspect(conn).get_indexes("obj_deal"))


def test_a_confirmed_narrowing_declares_the_new_length_keeps_indexes_and_never_reuses_ids(api, app, deals):
    indexes = deal_indexes(app)
    assert declared_code_type(app) in ("VARCHAR(20)", 20)
    assert api.delete(f"/api/v1/objects/deal/records/{deals[-1]['id']}").status_code == 204
    api.put("/api/v1/metadata/object/deal", json=narrow_code())
    confirm(api)
    assert declared_code_type(app) in ("VARCHAR(5)", 5)
    assert deal_indexes(app) == indexes
    assert create(api, "deal", {"title": "after"})["id"] == deals[-1]["id"] + 1


def test_a_confirmed_option_removal_clears_only_the_records_that_used_it(api, deals):
    api.put("/api/v1/metadata/object/deal", json=remove_lost())
    confirm(api)
    assert [item["stage"] for item in records(api, "deal")] == ["Won", None, "Open"]
    body = assert_problem(api.post("/api/v1/objects/deal/records", json={"title": "x", "stage": "Lost"}), 422)
    assert "stage" in body["errors"]


def test_a_confirmed_multi_picklist_option_removal_keeps_the_other_choices(api, deals):
    api.put("/api/v1/metadata/object/deal", json=remove_valves())
    confirm(api)
    assert [item["products"] for item in records(api, "deal")] == [["Pumps"], ["Sensors"], None]


def test_a_confirmed_type_change_replaces_the_column_with_an_empty_one_of_the_new_type(api, app, deals):
    api.put("/api/v1/metadata/object/deal", json=code_to_number())
    confirm(api)
    assert [item["code"] for item in records(api, "deal")] == [None, None, None]
    assert [item["title"] for item in records(api, "deal")] == ["Pump retrofit", "Sensor pilot", "Valve order"]
    assert create(api, "deal", {"title": "Numbered", "code": "42.5"})["code"] == "42.50"
    assert_problem(api.post("/api/v1/objects/deal/records", json={"title": "x", "code": "abc"}), 422)


def test_deleting_an_object_with_records_is_refused_then_confirmed(api, app, deals):
    before = state_snapshot(app, api, "deal")
    api.delete("/api/v1/metadata/object/deal")
    body = assert_problem(api.post("/api/v1/metadata/publish", json={}), 409, "lossy_change_refused")
    assert list(body["errors"]) == ["deal"]
    assert "3 record(s)" in body["errors"]["deal"][0]
    assert state_snapshot(app, api, "deal") == before

    result = confirm(api)
    assert [(s["op"], s["target"]) for s in result["steps"]] == [("drop_table", "deal")]
    assert "obj_deal" not in table_names(app)
    assert_problem(api.get("/api/v1/objects/deal/records"), 404, "object_not_found")
    assert current_revision(app) == 2


def test_a_refused_publish_leaves_the_drafts_pending_for_a_later_confirmation(api, app, deals):
    api.put("/api/v1/metadata/object/deal", json=drop_code())
    assert_problem(api.post("/api/v1/metadata/publish", json={}), 409)
    plan = api.get("/api/v1/metadata/plan").get_json()
    assert plan["lossy"] is True
    assert plan["changes"] == [{"kind": "object", "name": "deal", "action": "update"}]
    confirm(api)
    assert [f["name"] for f in published_document(api, "object", "deal")["fields"]] == [
        "title", "stage", "products", "amount"]


def test_a_lossy_refusal_in_zh_cn_explains_in_chinese(api, deals):
    api.put("/api/v1/metadata/object/deal", json=drop_code())
    response = api.post("/api/v1/metadata/publish", json={}, headers={"Accept-Language": "zh-CN"})
    body = assert_problem(response, 409, "lossy_change_refused")
    assert body["title"] == "变更会丢失数据"
    assert body["detail"] == "此次发布会丢失数据；请检查计划并确认后再发布"


# -- changes that must not silently corrupt data ------------------------------------------------

def test_pointing_a_lookup_at_another_object_is_treated_as_lossy(api, app):
    """Stored ids would otherwise name records of the new target that were never chosen."""
    account = object_doc("account", {"name": "name", "type": "text"})
    partner = object_doc("partner", {"name": "name", "type": "text"})
    define(api, account, partner, deal({"name": "owner_account", "type": "lookup", "target": "account"}))
    acme = create(api, "account", {"name": "ACME"})
    create(api, "partner", {"name": "Unrelated partner"})
    create(api, "deal", {"title": "Pumps", "owner_account": acme["id"]})
    before = state_snapshot(app, api, "deal")

    api.put("/api/v1/metadata/object/deal", json=deal({"name": "owner_account", "type": "lookup", "target": "partner"}))
    body = assert_problem(api.post("/api/v1/metadata/publish", json={}), 409, "lossy_change_refused")
    assert "deal.owner_account" in body["errors"]
    assert state_snapshot(app, api, "deal") == before


def test_making_a_field_unique_while_records_share_a_value_is_refused_and_changes_nothing(api, app, deals):
    create(api, "deal", {"title": "Twin", "code": "SP-2"})
    before = state_snapshot(app, api, "deal")
    api.put("/api/v1/metadata/object/deal", json=deal({**CODE, "unique": True}, STAGE, PRODUCTS, AMOUNT))
    response = api.post("/api/v1/metadata/publish", json={"confirm_data_loss": True})
    body = assert_problem(response, response.status_code)
    assert response.status_code in (409, 422), body
    assert "code" in " ".join(body.get("errors", {})) + body["detail"]
    assert state_snapshot(app, api, "deal") == before
