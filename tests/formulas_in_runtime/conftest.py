"""A small sales model with formula fields, a roll-up and a validation rule."""

import pytest

from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc

ACCOUNT = object_doc(
    "account",
    {"name": "name", "type": "text", "required": True},
    {"name": "region", "type": "picklist", "options": ["East", "West"]},
    {"name": "won_total", "type": "rollup", "child": "opportunity", "via": "account",
     "function": "SUM", "of": "amount", "filter": 'stage = "Won"'},
    {"name": "deal_count", "type": "rollup", "child": "opportunity", "via": "account", "function": "COUNT"},
    {"name": "largest", "type": "rollup", "child": "opportunity", "via": "account", "function": "MAX", "of": "amount"},
)

OPPORTUNITY = object_doc(
    "opportunity",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "margin", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"], "default": "Open"},
    {"name": "account", "type": "lookup", "target": "account", "on_delete": "set_null"},
    {"name": "close_date", "type": "date", "default": {"formula": "TODAY() + 30"}},
    {"name": "margin_pct", "type": "formula", "returns": "percent",
     "expression": "IF(amount > 0, margin / amount, NULL)"},
    {"name": "label", "type": "formula", "returns": "text", "expression": 'account.region & " / " & title'},
    {"name": "weighted", "type": "formula", "returns": "currency",
     "expression": "ROUND(amount * IF(stage = \"Won\", 1, 0.5), 2)"},
    validation_rules=[
        {"name": "margin_cap", "error_when": "margin > amount", "field": "margin",
         "message": {"en": "Margin cannot exceed amount", "zh-CN": "毛利不能超过金额"}},
        {"name": "won_needs_amount", "error_when": 'stage = "Won" && ISBLANK(amount)',
         "message": {"en": "A won deal needs an amount", "zh-CN": "赢单必须填写金额"}},
    ],
)


def build_sales(api):
    """Publish the sales model and create the East account ACME; return the account's id."""
    response = define(api, ACCOUNT, OPPORTUNITY)
    assert response.status_code == 200, response.get_json()
    account = api.post("/api/v1/objects/account/records", json={"name": "ACME", "region": "East"}).get_json()
    return {"account_id": account["id"]}


#: Tests that use ``sales`` start from a copy of the published sales model, built once per run.
database_seed = seeds_for(sales=api_seed("formulas_sales", build_sales))


@pytest.fixture
def sales(api, seed_data):
    """The API with the sales model published and one East account."""
    api.account_id = seed_data["account_id"]
    return api


def new_deal(api, **values):
    """Create an opportunity on the fixture's account and return its JSON (asserting 201)."""
    body = {"title": "Deal", "account": api.account_id, **values}
    response = api.post("/api/v1/objects/opportunity/records", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
