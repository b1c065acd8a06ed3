"""Validation rules: a failing rule answers 422 listing every failed rule, and nothing is written."""

from sqlalchemy import func, select

from tests.formulas_in_runtime.conftest import new_deal


def _count(api, table):
    rt = api.client.application.extensions["tessera"]
    with rt.read() as conn:
        return conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one()


def test_every_failed_rule_is_listed(sales):
    response = sales.post("/api/v1/objects/opportunity/records",
                          json={"title": "x", "margin": "5", "stage": "Won"})
    body = response.get_json()
    assert response.status_code == 422
    assert body["errors"] == {"$rules.won_needs_amount": ["A won deal needs an amount"]}


def test_rule_attached_to_a_field_names_it_and_speaks_the_readers_language(sales):
    response = sales.post("/api/v1/objects/opportunity/records", json={"title": "x", "amount": "1", "margin": "2"},
                          headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"margin": ["毛利不能超过金额"]}


def test_failed_rule_writes_nothing(sales):
    before = (_count(sales, "obj_opportunity"), _count(sales, "tessera_outbox"))
    sales.post("/api/v1/objects/opportunity/records", json={"title": "x", "amount": "1", "margin": "2"})
    assert (_count(sales, "obj_opportunity"), _count(sales, "tessera_outbox")) == before


def test_rules_apply_to_updates_with_the_merged_record(sales):
    deal = new_deal(sales, amount="100", margin="10")
    response = sales.patch(f"/api/v1/objects/opportunity/records/{deal['id']}", json={"amount": "5"})
    assert response.status_code == 422 and "margin" in response.get_json()["errors"]
    assert sales.get(f"/api/v1/objects/opportunity/records/{deal['id']}").get_json()["amount"] == "100.00"


def test_batch_create_names_the_failing_row(sales):
    response = sales.post("/api/v1/objects/opportunity/records",
                          json=[{"title": "ok", "amount": "5"}, {"title": "bad", "amount": "1", "margin": "3"}])
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["[1].margin"]
