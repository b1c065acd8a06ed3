"""The issue's bad-input cases on the routes not covered elsewhere: a spread over an unknown
period or of a value that is not a number is refused naming the field, and nothing is
written; so is a scheme item naming a KPI that does not exist, at publish."""

import pytest

from tests.helpers import define

from .documents import OBJECTS, REVENUE
from .people import person


@pytest.fixture
def sales(api):
    assert define(api, *OBJECTS, REVENUE).status_code == 200
    return api


@pytest.mark.parametrize("body, field", [
    ({"period": "2026-Q5"}, "period"),
    ({"period": "2026-Q1 "}, "period"),
    ({"value": "abc"}, "value"),
    ({"value": "1e5"}, "value"),
    ({"kpi": "revnue"}, "kpi"),
    ({"into": "week"}, "into"),
])
def test_a_bad_spread_is_refused_naming_the_field_and_writes_nothing(sales, app, body, field):
    li = person(app, "li")
    base = {"kpi": "revenue", "user": li, "period": "2026", "value": "100", "into": "quarter"}
    response = sales.post("/api/v1/targets/spread", json={**base, **body})
    assert response.status_code == 422
    assert (response.get_json()["code"], list(response.get_json()["errors"])) == ("validation_failed", [field])
    assert sales.get("/api/v1/targets").get_json()["items"] == []


def test_a_scheme_naming_a_kpi_that_does_not_exist_is_refused_at_publish_and_nothing_is_published(sales):
    plan = {"kind": "kpi_scheme", "name": "typo", "period_type": "quarter", "effective_from": "2026-01-01",
            "items": [{"kpi": "revnue", "weight": 1}]}
    response = define(sales, plan)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["kpi_scheme/typo:items[0].kpi"]
    assert sales.get("/api/v1/leaderboard?scheme=typo&period=2026-Q1").status_code == 404
