"""Scheme assignments: effective-dated, never overlapping for one person and scheme, and
answered as windows overlapping a date range."""

from datetime import date

import pytest

from tessera.runtime.performance.assignments import assignment_windows

from tests.helpers import define

from .documents import OBJECTS, REVENUE
from .people import person


def _scheme(name, effective_from):
    return {"kind": "kpi_scheme", "name": name, "period_type": "quarter", "effective_from": effective_from,
            "items": [{"kpi": "revenue", "weight": 1}]}


@pytest.fixture(autouse=True)
def schemes(api):
    """The published schemes the assignments name (an assignment to an unknown scheme is refused)."""
    assert define(api, *OBJECTS, REVENUE, _scheme("sales_2026", "2026-01-01"),
                  _scheme("margin_q3", "2026-07-01")).status_code == 200


def _assign(api, **body):
    return api.post("/api/v1/scheme-assignments", json=body)


def windows(app, **kw):
    with app.extensions["tessera"].read() as conn:
        return assignment_windows(conn, **kw)


def test_an_assignment_is_created_listed_and_deleted(api, app):
    li = person(app, "li")
    response = _assign(api, scheme="sales_2026", user=li, **{"from": "2026-02-15", "to": None})
    assert response.status_code == 201
    made = response.get_json()
    assert made == {"id": made["id"], "scheme": "sales_2026", "user": li, "from": "2026-02-15", "to": None}
    assert api.get("/api/v1/scheme-assignments", query_string={"user": li}).get_json()["items"] == [made]
    assert api.get("/api/v1/scheme-assignments", query_string={"scheme": "other"}).get_json()["items"] == []
    assert api.delete(f"/api/v1/scheme-assignments/{made['id']}").status_code == 204
    assert api.get("/api/v1/scheme-assignments").get_json()["items"] == []


def test_assignment_windows_answer_each_persons_assignments_overlapping_a_range(api, app):
    li, wu, ma = person(app, "li"), person(app, "wu"), person(app, "ma")
    _assign(api, scheme="sales_2026", user=li, **{"from": "2026-02-15"})
    _assign(api, scheme="sales_2026", user=wu, **{"from": "2025-01-01", "to": "2026-01-31"})
    _assign(api, scheme="margin_q3", user=wu, **{"from": "2026-07-01", "to": None})
    _assign(api, scheme="sales_2026", user=ma, **{"from": "2026-04-01"})
    q1 = {"start": date(2026, 1, 1), "end": date(2026, 3, 31)}
    assert windows(app, **q1) == {li: [("sales_2026", date(2026, 2, 15), None)],
                                  wu: [("sales_2026", date(2025, 1, 1), date(2026, 1, 31))]}
    assert windows(app, scheme="margin_q3", start=date(2026, 1, 1), end=date(2026, 12, 31)) == {
        wu: [("margin_q3", date(2026, 7, 1), None)]}
    assert windows(app, users=[li, ma], **q1) == {li: [("sales_2026", date(2026, 2, 15), None)]}


def test_an_overlapping_assignment_to_the_same_scheme_is_refused_and_another_scheme_is_not(api, app):
    li = person(app, "li")
    _assign(api, scheme="sales_2026", user=li, **{"from": "2026-01-01", "to": "2026-06-30"})
    clash = _assign(api, scheme="sales_2026", user=li, **{"from": "2026-06-30"})
    assert clash.status_code == 409 and clash.get_json()["code"] == "assignment_overlap"
    assert _assign(api, scheme="sales_2026", user=li, **{"from": "2026-07-01"}).status_code == 201
    assert _assign(api, scheme="margin_q3", user=li, **{"from": "2026-03-01"}).status_code == 201


@pytest.mark.parametrize("body, field", [
    ({"scheme": "Sales 2026"}, "scheme"),
    ({"scheme": "nothing_like_it"}, "scheme"),
    ({"user": 999999}, "user"),
    ({"from": "2026-13-01"}, "from"),
    ({"to": "2026-01-01"}, "to"),
    ({"until": "2026-12-31"}, "until"),
])
def test_bad_assignment_input_is_refused_naming_the_field_and_nothing_is_written(api, app, body, field):
    li = person(app, "li")
    response = _assign(api, **{"scheme": "sales_2026", "user": li, "from": "2026-02-15", **body})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]
    assert api.get("/api/v1/scheme-assignments").get_json()["items"] == []
