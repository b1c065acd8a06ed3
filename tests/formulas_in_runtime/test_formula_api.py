"""POST /api/v1/formula/check and /evaluate, for the designer's live check."""

from decimal import Decimal

from tests.formulas_in_runtime.conftest import new_deal
from tests.platform.support import assert_problem


def test_check_reports_type_references_and_pushability(sales):
    body = sales.post("/api/v1/formula/check",
                      json={"object": "opportunity", "expression": "ROUND(amount * 1.1, 2)"}).get_json()
    assert body == {"valid": True, "type": "currency", "pushable": True, "references": [["amount"]]}


def test_check_error_has_position_suggestion_and_chinese(sales):
    response = sales.post("/api/v1/formula/check", json={"object": "opportunity", "expression": "amout + 1"},
                          headers={"Accept-Language": "zh-CN"})
    body = response.get_json()
    assert response.status_code == 400 and body["code"] == "formula_error"
    assert body["diagnostics"][0]["line"] == 1 and body["diagnostics"][0]["column"] == 1
    assert "amount" in body["detail"] and body["title"] == "公式错误"


def test_evaluate_against_a_stored_record(sales):
    deal = new_deal(sales, amount="80", margin="20")
    body = sales.post("/api/v1/formula/evaluate", json={"object": "opportunity", "record_id": deal["id"],
                                                        "expression": "margin_pct * 100"}).get_json()
    assert body["type"] == "number" and body["value"].startswith("25")


def test_evaluate_against_given_values(sales):
    body = sales.post("/api/v1/formula/evaluate", json={"object": "opportunity",
                                                        "record": {"amount": "10", "stage": "Won"},
                                                        "expression": 'IF(stage = "Won", amount, 0)'}).get_json()
    assert body["value"] == "10.00" or body["value"] == "10"


def test_evaluate_of_a_missing_record_is_404(sales):
    response = sales.post("/api/v1/formula/evaluate",
                          json={"object": "opportunity", "record_id": 999, "expression": "amount"})
    assert_problem(response, 404, "record_not_found")



HUGE = "1" + "0" * 300


def test_a_count_filtered_by_mod_of_a_huge_number_answers_the_exact_count(sales):
    new_deal(sales, amount="10")
    new_deal(sales, amount="20")
    response = sales.get("/api/v1/objects/opportunity/records/count",
                         query_string={"filter": f"MOD({HUGE},0.0000001)>=0"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["count"] == 2


def test_a_count_filtered_by_round_of_a_huge_number_answers_the_exact_count(sales):
    new_deal(sales, amount="10")
    new_deal(sales, amount=None)
    response = sales.get("/api/v1/objects/opportunity/records/count",
                         query_string={"filter": f"ROUND({HUGE}, 1000000) > 0"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["count"] == 2
    scaled = sales.get("/api/v1/objects/opportunity/records/count",
                       query_string={"filter": f"ROUND(amount * {HUGE}, 2) > {HUGE}"})
    assert scaled.status_code == 200 and scaled.get_json()["count"] == 1


def test_evaluate_answers_mod_of_a_huge_number_as_on_the_database(sales):
    response = sales.post("/api/v1/formula/evaluate", json={
        "object": "opportunity", "record": {}, "expression": f"MOD({HUGE}, 0.0000001)"})
    assert response.status_code == 200, response.get_json()
    assert Decimal(response.get_json()["value"]) == 0
