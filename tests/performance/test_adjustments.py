"""KPI adjustments: they count in the actual of the period holding their date, only in KPIs
that add up (SUM, COUNT), and are listed and explained line by line. Numbers by hand."""

from decimal import Decimal

import pytest

from tessera.runtime import Context
from tessera.runtime.performance import periods as P
from tessera.runtime.performance.adjustments import adjustment_lines
from tests.helpers import define

from .documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi
from .people import caller, person

D = Decimal
DEALS = kpi("deals", measure="COUNT()", filter='stage = "Won"', scale=0)
SPLIT_REVENUE = kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"')
AVG_DISCOUNT = kpi("avg_discount", measure="AVG(discount)", direction="lower")
WIN_RATE = kpi("win_rate", formula="deals / deals")


@pytest.fixture
def sales(api):
    assert define(api, *OBJECTS, REVENUE, DEALS, SPLIT_REVENUE, AVG_DISCOUNT, WIN_RATE).status_code == 200
    return api


def _deal(app, user_id, amount, close_date):
    ctx = Context(user_id=user_id, username="seller", is_admin=True)
    return app.extensions["tessera"].records.create(ctx, "opportunity", {
        "title": "deal", "amount": amount, "stage": "Won", "close_date": close_date})["id"]


def _adjust(api, **body):
    return api.post("/api/v1/kpi-adjustments", json={"reason": "credit note CN-7", **body})


def _actuals(app, name, *period_ids, users):
    return app.extensions["tessera"].performance.actuals(name, period_ids, users)


def test_a_negative_adjustment_counts_in_the_quarter_of_its_date(sales, app):
    li = person(app, "li")
    deal = _deal(app, li, "50000", "2026-02-10")
    _deal(app, li, "30000", "2026-04-02")
    response = _adjust(sales, kpi="revenue", user=li, date="2026-03-31", value="-10000",
                       record={"object": "opportunity", "id": deal})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("kpi", "user", "date", "value", "reason", "record")} == {
        "kpi": "revenue", "user": li, "date": "2026-03-31", "value": "-10000.00", "reason": "credit note CN-7",
        "record": {"object": "opportunity", "id": deal}}
    # Q1: 50000 - 10000; Q2: 30000 untouched; the year: 80000 - 10000.
    assert _actuals(app, "revenue", "2026-Q1", "2026-Q2", "2026", users=[li]) == {
        (li, "2026-Q1"): D("40000.00"), (li, "2026-Q2"): D("30000.00"), (li, "2026"): D("70000.00")}


def test_an_adjustment_alone_gives_a_person_an_actual_and_counts_in_count_and_split_kpis(sales, app):
    li, wu = person(app, "li"), person(app, "wu")
    deal = _deal(app, li, "1000", "2026-01-15")
    for member, share in ((li, "60"), (wu, "40")):
        app.extensions["tessera"].records.create(Context(user_id=li, username="li", is_admin=True),
                                                 "opportunity_split",
                                                 {"opportunity": deal, "member": member, "share": share})
    _adjust(sales, kpi="deals", user=wu, date="2026-01-20", value="2")
    _adjust(sales, kpi="split_revenue", user=wu, date="2026-02-01", value="-100.50")
    assert _actuals(app, "deals", "2026-Q1", users=None) == {(li, "2026-Q1"): D("1"), (wu, "2026-Q1"): D("2")}
    # wu: 40 % of 1000 = 400, minus 100.50; li: 60 % of 1000.
    assert _actuals(app, "split_revenue", "2026-Q1", users=[li, wu]) == {
        (li, "2026-Q1"): D("600.00"), (wu, "2026-Q1"): D("299.50")}


@pytest.mark.parametrize("name", ["avg_discount", "win_rate"])
def test_a_kpi_that_does_not_add_up_refuses_adjustments_with_422(sales, app, name):
    li = person(app, "li")
    response = _adjust(sales, kpi=name, user=li, date="2026-01-20", value="1")
    assert response.status_code == 422
    assert response.get_json()["code"] == "adjustment_not_additive" and list(response.get_json()["errors"]) == ["kpi"]
    assert sales.get("/api/v1/kpi-adjustments").get_json()["items"] == []


@pytest.mark.parametrize("body, field", [
    ({"value": "abc"}, "value"),
    ({"value": "1.005"}, "value"),
    ({"date": "2026-02-30"}, "date"),
    ({"kpi": "revnue"}, "kpi"),
    ({"user": "li"}, "user"),
    ({"reason": ""}, "reason"),
    ({"record": {"object": "opportunity", "id": 999999}}, "record"),
    ({"record": {"object": "nothing", "id": 1}}, "record"),
])
def test_bad_adjustment_input_is_refused_naming_the_field_and_nothing_is_written(sales, app, body, field):
    li = person(app, "li")
    response = _adjust(sales, **{"kpi": "revenue", "user": li, "date": "2026-01-20", "value": "5", **body})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]
    assert sales.get("/api/v1/kpi-adjustments").get_json()["items"] == []


def test_adjustment_lines_and_the_list_give_a_persons_adjustments_in_a_period(sales, app):
    li, wu = person(app, "li"), person(app, "wu")
    first = _adjust(sales, kpi="revenue", user=li, date="2026-02-01", value="-5").get_json()
    second = _adjust(sales, kpi="revenue", user=li, date="2026-01-03", value="7.25", reason="manual").get_json()
    _adjust(sales, kpi="revenue", user=li, date="2026-04-01", value="1")
    _adjust(sales, kpi="revenue", user=wu, date="2026-02-01", value="1")
    runtime = app.extensions["tessera"]
    with runtime.read() as conn:
        quarter = P.parse(runtime.performance.calendar(runtime.model(conn)), "2026-Q1")
        lines = adjustment_lines(conn, "revenue", li, quarter)
    assert lines == [
        {"id": second["id"], "date": "2026-01-03", "value": "7.25", "reason": "manual", "record": None},
        {"id": first["id"], "date": "2026-02-01", "value": "-5.00", "reason": "credit note CN-7", "record": None}]
    listed = sales.get("/api/v1/kpi-adjustments", query_string={"kpi": "revenue", "user": li,
                                                               "period": "2026-Q1"}).get_json()["items"]
    assert [item["id"] for item in listed] == [first["id"], second["id"]]
    assert [item["user"] for item in caller(app, wu).get("/api/v1/kpi-adjustments").get_json()["items"]] == [wu]


def test_deleting_an_adjustment_takes_it_out_of_the_actual_and_is_audited(sales, app):
    li = person(app, "li")
    _deal(app, li, "100", "2026-01-10")
    made = _adjust(sales, kpi="revenue", user=li, date="2026-01-11", value="-40").get_json()
    assert _actuals(app, "revenue", "2026-Q1", users=[li]) == {(li, "2026-Q1"): D("60.00")}
    assert sales.delete(f"/api/v1/kpi-adjustments/{made['id']}").status_code == 204
    assert _actuals(app, "revenue", "2026-Q1", users=[li]) == {(li, "2026-Q1"): D("100.00")}
    events = sales.get("/api/v1/audit", query_string={"event": "kpi_adjustment."}).get_json()["items"]
    assert [(e["event"], e["record_id"], e["details"]["value"]) for e in events] == [
        ("kpi_adjustment.deleted", made["id"], "-40.00"), ("kpi_adjustment.created", made["id"], "-40.00")]


def test_an_adjustment_answers_when_it_was_recorded_as_an_rfc_3339_instant_in_utc(sales, app):
    li = person(app, "li")
    created = _adjust(sales, kpi="revenue", user=li, date="2026-01-20", value="5", reason="r").get_json()
    listed = sales.get("/api/v1/kpi-adjustments").get_json()["items"]
    assert created["created_at"].endswith("Z") and listed[0]["created_at"] == created["created_at"]
