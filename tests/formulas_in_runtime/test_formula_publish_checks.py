"""A metadata set whose formulas do not check cannot be published; the error names where."""

from tests.formulas_in_runtime.conftest import ACCOUNT, OPPORTUNITY
from tests.helpers import define, object_doc
from tessera.runtime.schema.columns import table_name
from tests.platform.support import assert_problem, table_names


def _revision(api):
    items = api.get("/api/v1/metadata/revisions").get_json()["items"]
    return items[0]["revision"] if items else 0


def assert_refused(api, app, docs, errors):
    """Publishing ``docs`` answers 422 publish_refused with exactly ``errors`` and changes nothing."""
    body = assert_problem(define(api, *docs), 422, "publish_refused")
    assert body["errors"] == errors
    assert _revision(api) == 0
    assert not {table_name(doc["name"]) for doc in docs} & table_names(app)


def test_unknown_field_in_a_formula_names_document_field_and_column(api):
    bad = object_doc("deal", {"name": "amount", "type": "currency"},
                     {"name": "double", "type": "formula", "returns": "currency", "expression": "amout * 2"})
    response = define(api, bad)
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "publish_refused"
    assert body["errors"]["object/deal:fields[1].expression"] == ['1:1 unknown field "amout" (did you mean "amount"?)']
    assert _revision(api) == 0


def test_formula_result_must_fit_the_declared_type(api, app):
    bad = object_doc("deal", {"name": "title", "type": "text"},
                     {"name": "n", "type": "formula", "returns": "number", "expression": "title & \"x\""})
    assert_refused(api, app, [bad], {
        "object/deal:fields[1].expression": ["1:7 formula returns text, but number is required"]})


def test_cycles_between_formula_fields_are_refused(api, app):
    bad = object_doc("deal", {"name": "a", "type": "formula", "returns": "number", "expression": "b + 1"},
                     {"name": "b", "type": "formula", "returns": "number", "expression": "a + 1"})
    assert_refused(api, app, [bad], {
        "object/deal:fields": ["formula fields form a cycle: deal.a -> deal.b -> deal.a"]})


def test_validation_rule_must_be_boolean(api, app):
    bad = object_doc("deal", {"name": "amount", "type": "currency"},
                     validation_rules=[{"name": "r", "error_when": "amount * 2"}])
    assert_refused(api, app, [bad], {
        "object/deal:validation_rules[0].error_when": ["1:8 formula returns currency, but boolean is required"]})


def test_rollup_needs_a_lookup_from_the_child(api, app):
    parent = object_doc("parent", {"name": "total", "type": "rollup", "child": "kid", "via": "name",
                                   "function": "SUM", "of": "n"})
    kid = object_doc("kid", {"name": "name", "type": "text"}, {"name": "n", "type": "number"})
    assert_refused(api, app, [parent, kid], {
        "object/parent:fields[0].via": ['"name" is not a lookup field of kid']})


def test_good_model_publishes(api, app):
    published = define(api, ACCOUNT, OPPORTUNITY)
    assert published.status_code == 200, published.get_json()
    assert _revision(api) == 1
    assert {table_name("account"), table_name("opportunity")} <= table_names(app)
    created = api.post("/api/v1/objects/opportunity/records", json={"title": "t", "amount": "10", "margin": "2"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["margin_pct"] == "0.2000"
