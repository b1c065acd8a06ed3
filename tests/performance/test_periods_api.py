"""GET /api/v1/periods: periods of the published fiscal calendar, for any authenticated caller."""

from tests.helpers import define

APRIL = {"kind": "fiscal_calendar", "name": "default", "start_month": 4, "year_named_by": "start"}


def test_without_a_fiscal_calendar_a_period_is_in_the_calendar_year(api):
    response = api.get("/api/v1/periods/2026-Q1")
    assert response.status_code == 200
    assert response.get_json() == {"id": "2026-Q1", "type": "quarter", "start": "2026-01-01",
                                   "end": "2026-03-31", "days": 90}


def test_a_published_april_calendar_moves_every_period(api):
    assert define(api, APRIL).status_code == 200
    assert api.get("/api/v1/periods/2026-Q1").get_json() == {
        "id": "2026-Q1", "type": "quarter", "start": "2026-04-01", "end": "2026-06-30", "days": 91}
    listed = api.get("/api/v1/periods?type=quarter&year=2026")
    assert listed.status_code == 200
    assert [(p["id"], p["start"], p["end"]) for p in listed.get_json()["items"]] == [
        ("2026-Q1", "2026-04-01", "2026-06-30"), ("2026-Q2", "2026-07-01", "2026-09-30"),
        ("2026-Q3", "2026-10-01", "2026-12-31"), ("2026-Q4", "2027-01-01", "2027-03-31")]


def test_months_of_a_fiscal_year_are_listed_by_their_calendar_ids(api):
    define(api, {**APRIL, "year_named_by": "end"})
    items = api.get("/api/v1/periods?type=month&year=2026").get_json()["items"]
    assert [p["id"] for p in items][:2] == ["2025-04", "2025-05"] and items[-1]["id"] == "2026-03"


def test_a_bad_period_id_is_a_problem_naming_the_id(api):
    response = api.get("/api/v1/periods/2026-Q5")
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "invalid_period" and list(body["errors"]) == ["id"]
    assert "2026-Q5" in body["detail"]


def test_a_bad_type_or_year_is_a_problem_naming_the_parameter(api):
    bad_type = api.get("/api/v1/periods?type=week&year=2026").get_json()
    assert bad_type["code"] == "invalid_period" and list(bad_type["errors"]) == ["type"]
    bad_year = api.get("/api/v1/periods?type=quarter&year=twenty").get_json()
    assert list(bad_year["errors"]) == ["year"]
    assert list(api.get("/api/v1/periods?type=quarter").get_json()["errors"]) == ["year"]


def test_periods_need_authentication(app):
    response = app.test_client().get("/api/v1/periods/2026")
    assert response.status_code == 401


def test_a_fiscal_calendar_must_be_named_default_and_start_in_a_month(api):
    response = api.put("/api/v1/metadata/fiscal_calendar/other", json={**APRIL, "name": "other", "start_month": 13})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name", "start_month"}


def test_period_routes_are_in_the_openapi_document(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/api/v1/periods/{id}"] and "get" in paths["/api/v1/periods"]
