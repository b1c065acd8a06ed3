"""A metadata set whose formulas do not check cannot be published; the error names where."""

from tests.formulas_in_runtime.conftest import ACCOUNT, OPPORTUNITY
from tests.helpers import define, object_doc


def _revision(api):
    items = api.get("/api/v1/metadata/revisions").get_json()["items"]
    return items[0]["revision"] if items else 0


def test_unknown_field_in_a_formula_names_document_field_and_column(api):
    bad = object_doc("deal", {"name": "amount", "type": "currency"},
                     {"name": "double", "type": "formula", "returns": "currency", "expression": "amout * 2"})
    response = define(api, bad)
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "publish_refused"
    assert body["errors"]["object/deal:fields[1].expression"] == ['1:1 unknown field "amout" (did you mean "amount"?)']
    assert _revision(api) == 0


def test_formula_result_must_fit_the_declared_type(api):
    bad = object_doc("deal", {"name": "title", "type": "text"},
                     {"name": "n", "type": "formula", "returns": "number", "expression": "title & \"x\""})
    assert define(api, bad).status_code == 422


def test_cycles_between_formula_fields_are_refused(api):
    bad = object_doc("deal", {"name": "a", "type": "formula", "returns": "number", "expression": "b + 1"},
                     {"name": "b", "type": "formula", "returns": "number", "expression": "a + 1"})
    response = define(api, bad)
    assert response.status_code == 422
    assert any("cycle" in m for msgs in response.get_json()["errors"].values() for m in msgs)


def test_validation_rule_must_be_boolean(api):
    bad = object_doc("deal", {"name": "amount", "type": "currency"},
                     validation_rules=[{"name": "r", "error_when": "amount * 2"}])
    assert define(api, bad).status_code == 422


def test_rollup_needs_a_lookup_from_the_child(api):
    parent = object_doc("parent", {"name": "total", "type": "rollup", "child": "kid", "via": "name",
                                   "function": "SUM", "of": "n"})
    kid = object_doc("kid", {"name": "name", "type": "text"}, {"name": "n", "type": "number"})
    response = define(api, parent, kid)
    assert response.status_code == 422
    assert "object/parent:fields[0].via" in response.get_json()["errors"]


def test_good_model_publishes(api):
    assert define(api, ACCOUNT, OPPORTUNITY).status_code == 200
