"""Roll-up summary fields stay exact through inserts, updates, deletes and re-parenting."""

from tests.formulas_in_runtime.conftest import new_deal


def _account(api, account_id=None):
    return api.get(f"/api/v1/objects/account/records/{account_id or api.account_id}").get_json()


def test_new_parent_starts_at_zero(sales):
    account = _account(sales)
    assert (account["won_total"], account["deal_count"], account["largest"]) == ("0.00", "0", None)


def test_insert_update_and_delete_keep_the_summary_exact(sales):
    first = new_deal(sales, amount="100.10", stage="Won")
    new_deal(sales, amount="50.05", stage="Open")
    assert (_account(sales)["won_total"], _account(sales)["deal_count"]) == ("100.10", "2")
    sales.patch(f"/api/v1/objects/opportunity/records/{first['id']}", json={"amount": "200.20"})
    assert _account(sales)["won_total"] == "200.20" and _account(sales)["largest"] == "200.20"
    sales.delete(f"/api/v1/objects/opportunity/records/{first['id']}")
    account = _account(sales)
    assert (account["won_total"], account["deal_count"], account["largest"]) == ("0.00", "1", "50.05")


def test_reparenting_moves_the_amount_between_parents(sales):
    other = sales.post("/api/v1/objects/account/records", json={"name": "Other"}).get_json()
    deal = new_deal(sales, amount="70", stage="Won")
    sales.patch(f"/api/v1/objects/opportunity/records/{deal['id']}", json={"account": other["id"]})
    assert _account(sales)["won_total"] == "0.00"
    assert _account(sales, other["id"])["won_total"] == "70.00"


def test_batch_create_updates_each_parent_once_correctly(sales):
    sales.post("/api/v1/objects/opportunity/records",
               json=[{"title": f"d{i}", "account": sales.account_id, "amount": "10", "stage": "Won"} for i in range(5)])
    assert _account(sales)["won_total"] == "50.00"


def test_adding_a_rollup_backfills_existing_parents(sales):
    from tests.formulas_in_runtime.conftest import ACCOUNT
    from tests.helpers import define

    new_deal(sales, amount="30", stage="Lost")
    new_deal(sales, amount="12", stage="Lost")
    doc = {**ACCOUNT, "fields": ACCOUNT["fields"] + [
        {"name": "lost_total", "type": "rollup", "child": "opportunity", "via": "account",
         "function": "SUM", "of": "amount", "filter": 'stage = "Lost"'}]}
    assert define(sales, doc).status_code == 200
    assert _account(sales)["lost_total"] == "42.00"
