"""KPI targets: set and replaced per KPI, person or team and period; resolved from sub-periods
and team members; spread over sub-periods; imported from CSV all or nothing.

The fiscal year is the calendar year (no fiscal_calendar published): 2026-Q1 is January
to March 2026. Every number is worked out by hand.
"""

from decimal import Decimal

import pytest

from tessera.runtime.performance import periods as P
from tessera.runtime.performance.targets import Target, resolve_targets
from tests.helpers import define

from .documents import OBJECTS, REVENUE, kpi
from .people import caller, person, team

D = Decimal
DEALS = kpi("deals", measure="COUNT()", scale=0)


@pytest.fixture
def sales(api):
    assert define(api, *OBJECTS, REVENUE, DEALS).status_code == 200
    return api


def _targets(api, **query):
    response = api.get("/api/v1/targets", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def _set(api, **body):
    return api.post("/api/v1/targets", json=body)


def resolved(app, kpi_name, period_id, users=(), teams=()):
    runtime = app.extensions["tessera"]
    with runtime.read() as conn:
        period = P.parse(runtime.performance.calendar(runtime.model(conn)), period_id)
        return resolve_targets(conn, kpi_name, period, users=users, teams=teams)


def test_a_target_is_set_with_its_period_and_the_same_key_again_replaces_the_value(sales, app):
    li = person(app, "li")
    first = _set(sales, kpi="revenue", user=li, period="2026-Q1", value="100000")
    assert first.status_code == 201
    assert first.get_json() == {"id": first.get_json()["id"], "kpi": "revenue", "user": li, "team": None,
                                "value": "100000.00", "period": {"id": "2026-Q1", "type": "quarter",
                                                                 "start": "2026-01-01", "end": "2026-03-31",
                                                                 "days": 90}}
    again = _set(sales, kpi="revenue", user=li, period="2026-Q1", value="120000.50")
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    assert [t["value"] for t in _targets(sales, kpi="revenue", user=li)] == ["120000.50"]
    assert resolved(app, "revenue", "2026-Q1", users=[li]) == {
        ("user", li): Target(D("120000.50"), "set", {"id": first.get_json()["id"], "period": "2026-Q1"})}


@pytest.mark.parametrize("body, field", [
    ({"value": "abc"}, "value"),
    ({"value": "1e5"}, "value"),
    ({"value": "100.123"}, "value"),
    ({"value": "-5"}, "value"),
    ({"kpi": "revnue"}, "kpi"),
    ({"period": "2026-Q5"}, "period"),
    ({"user": 999999}, "user"),
    ({"user": None, "team": "nowhere"}, "team"),
    ({"team": "east"}, "user"),
    ({"owner": 1}, "owner"),
])
def test_bad_target_input_is_refused_naming_the_field_and_nothing_is_written(sales, app, body, field):
    li = person(app, "li")
    team(app, "east")
    response = _set(sales, **{"kpi": "revenue", "user": li, "period": "2026-Q1", "value": "100", **body})
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "validation_failed" and list(problem["errors"]) == [field]
    assert _targets(sales) == []


def test_a_period_target_is_the_sum_of_its_sub_periods_only_when_all_of_them_have_one(sales, app):
    li = person(app, "li")
    for quarter, value in (("2026-Q1", "100"), ("2026-Q2", "200"), ("2026-Q3", "300")):
        assert _set(sales, kpi="revenue", user=li, period=quarter, value=value).status_code == 201
    assert resolved(app, "revenue", "2026", users=[li]) == {("user", li): Target(None)}
    assert resolved(app, "revenue", "2026-H1", users=[li])[("user", li)] == Target(
        D("300.00"), "sub_periods", {"periods": ["2026-Q1", "2026-Q2"]})
    for month, value in (("2026-10", "110"), ("2026-11", "120"), ("2026-12", "130.01")):
        _set(sales, kpi="revenue", user=li, period=month, value=value)
    year = resolved(app, "revenue", "2026", users=[li])[("user", li)]
    assert year == Target(D("960.01"), "sub_periods", {"periods": ["2026-H1", "2026-H2"]})


def test_a_team_target_is_its_own_when_set_else_the_sum_of_its_members_over_two_levels(sales, app):
    team(app, "sales")
    team(app, "east", parent="sales")
    team(app, "west", parent="sales")
    boss = person(app, "boss", team="sales")
    ann, bob = person(app, "ann", team="east"), person(app, "bob", team="east")
    cy = person(app, "cy", team="west")
    person(app, "newbie", team="west")  # no target: not counted, not blocking
    for who, value in ((boss, "50"), (ann, "100"), (bob, "200"), (cy, "400")):
        _set(sales, kpi="revenue", user=who, period="2026-Q1", value=value)
    found = resolved(app, "revenue", "2026-Q1", teams=["sales", "east", "west", "north"])
    assert found[("team", "east")] == Target(D("300.00"), "team_members", {"users": [ann, bob], "teams": []})
    assert found[("team", "west")] == Target(D("400.00"), "team_members", {"users": [cy], "teams": []})
    assert found[("team", "sales")] == Target(D("750.00"), "team_members", {"users": [boss], "teams": ["east", "west"]})
    assert found[("team", "north")] == Target(None)
    own = _set(sales, kpi="revenue", team="east", period="2026-Q1", value="1000").get_json()
    found = resolved(app, "revenue", "2026-Q1", teams=["sales", "east"])
    assert found[("team", "east")] == Target(D("1000.00"), "set", {"id": own["id"], "period": "2026-Q1"})
    assert found[("team", "sales")].value == D("1450.00")  # 50 + 1000 (east's own) + 400


def test_spreading_100000_over_quarters_with_equal_weights_gives_25000_each(sales, app):
    li = person(app, "li")
    response = sales.post("/api/v1/targets/spread", json={"kpi": "revenue", "user": li, "period": "2026",
                                                          "value": "100000", "into": "quarter",
                                                          "weights": [1, 1, 1, 1]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"]["id"] == "2026" and body["value"] == "100000.00"
    assert [(t["period"]["id"], t["value"]) for t in body["items"]] == [
        ("2026-Q1", "25000.00"), ("2026-Q2", "25000.00"), ("2026-Q3", "25000.00"), ("2026-Q4", "25000.00")]
    assert resolved(app, "revenue", "2026", users=[li])[("user", li)].value == D("100000.00")


def test_spreading_100000_over_quarters_weighted_1_2_3_4(sales, app):
    li = person(app, "li")
    body = sales.post("/api/v1/targets/spread", json={"kpi": "revenue", "user": li, "period": "2026",
                                                      "value": "100000", "into": "quarter",
                                                      "weights": [1, 2, 3, 4]}).get_json()
    assert [t["value"] for t in body["items"]] == ["10000.00", "20000.00", "30000.00", "40000.00"]


def test_a_spread_rounds_each_part_down_to_the_kpi_scale_and_gives_the_remainder_to_the_last(sales, app):
    li = person(app, "li")
    money = sales.post("/api/v1/targets/spread", json={"kpi": "revenue", "user": li, "period": "2026-Q1",
                                                       "value": "100000", "into": "month"}).get_json()
    assert [t["value"] for t in money["items"]] == ["33333.33", "33333.33", "33333.34"]
    counts = sales.post("/api/v1/targets/spread", json={"kpi": "deals", "user": li, "period": "2026",
                                                        "value": "10", "into": "quarter",
                                                        "weights": [1, 1, 1, 1]}).get_json()
    assert [t["value"] for t in counts["items"]] == ["2", "2", "2", "4"]


def test_a_spread_with_bad_weights_or_a_coarser_type_writes_nothing(sales, app):
    li = person(app, "li")
    base = {"kpi": "revenue", "user": li, "period": "2026", "value": "100"}
    bad_weights = sales.post("/api/v1/targets/spread", json={**base, "into": "quarter", "weights": [1, 1]})
    assert bad_weights.status_code == 422 and list(bad_weights.get_json()["errors"]) == ["weights"]
    zero = sales.post("/api/v1/targets/spread", json={**base, "into": "quarter", "weights": [0, 0, 0, 0]})
    assert zero.status_code == 422 and list(zero.get_json()["errors"]) == ["weights"]
    coarser = sales.post("/api/v1/targets/spread", json={**base, "period": "2026-Q1", "into": "half"})
    assert coarser.status_code == 422 and list(coarser.get_json()["errors"]) == ["into"]
    assert _targets(sales) == []


def _import(api, text):
    return api.post("/api/v1/targets/import", data=text.encode(), headers={"Content-Type": "text/csv"})


def test_a_csv_import_sets_every_line_and_reports_each(sales, app):
    team(app, "east")
    li = person(app, "li")
    _set(sales, kpi="revenue", user=li, period="2026-Q1", value="1")
    response = _import(sales, "kpi,user,team,period,value\nrevenue,li,,2026-Q1,100000\n"
                              "revenue,,east,2026-Q1,250000.5\ndeals,li,,2026-Q2,12\n")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert (report["written"], report["created"], report["replaced"]) == (3, 2, 1)
    assert [(row["line"], row["created"]) for row in report["rows"]] == [(2, False), (3, True), (4, True)]
    assert [(t["kpi"], t["user"], t["team"], t["period"]["id"], t["value"]) for t in _targets(sales)] == [
        ("revenue", li, None, "2026-Q1", "100000.00"), ("revenue", None, "east", "2026-Q1", "250000.50"),
        ("deals", li, None, "2026-Q2", "12")]


def test_a_csv_import_with_any_bad_line_writes_nothing_and_names_each_bad_line_and_field(sales, app):
    person(app, "li")
    response = _import(sales, "kpi,user,team,period,value\nrevenue,li,,2026-Q1,100000\n"
                              "revenue,nobody,,2026-Q1,abc\nrevnue,li,,2026-Q9,1\nrevenue,li,,2026-Q1,5\n")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "validation_failed"
    assert sorted(problem["errors"]) == ["line 3/user", "line 3/value", "line 4/kpi", "line 4/period", "line 5"]
    assert _targets(sales) == []
    header = _import(sales, "kpi,person,period,value\n")
    assert header.status_code == 422 and list(header.get_json()["errors"]) == ["line 1"]
    wrong_type = sales.post("/api/v1/targets/import", json={"csv": "kpi,user,team,period,value"})
    assert wrong_type.status_code == 415


def test_target_writes_are_audited(sales, app):
    li = person(app, "li")
    target = _set(sales, kpi="revenue", user=li, period="2026-Q1", value="100").get_json()
    assert sales.delete(f"/api/v1/targets/{target['id']}").status_code == 204
    events = sales.get("/api/v1/audit", query_string={"event": "target."}).get_json()["items"]
    assert [(e["event"], e["subject"], e["details"]["period"]) for e in events] == [
        ("target.deleted", "revenue", "2026-Q1"), ("target.set", "revenue", "2026-Q1")]
    assert sales.delete(f"/api/v1/targets/{target['id']}").status_code == 404


def test_a_rep_without_manage_performance_gets_403_and_nothing_is_written(sales, app):
    li = person(app, "li")
    rep = caller(app, li)
    writes = [rep.post("/api/v1/targets", json={"kpi": "revenue", "user": li, "period": "2026-Q1", "value": "1"}),
              rep.post("/api/v1/targets/spread", json={"kpi": "revenue", "user": li, "period": "2026",
                                                       "value": "1", "into": "quarter"}),
              rep.post("/api/v1/targets/import", data=b"kpi,user,team,period,value\nrevenue,li,,2026-Q1,1\n",
                       headers={"Content-Type": "text/csv"}),
              rep.post("/api/v1/scheme-assignments", json={"scheme": "s", "user": li, "from": "2026-01-01"}),
              rep.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": li, "date": "2026-01-05",
                                                        "value": "1", "reason": "r"})]
    for response in writes:
        assert response.status_code == 403 and response.get_json()["code"] == "permission_denied"
    assert _targets(sales) == []
    assert sales.get("/api/v1/scheme-assignments").get_json()["items"] == []
    assert sales.get("/api/v1/kpi-adjustments").get_json()["items"] == []


def test_a_holder_of_manage_performance_writes_targets_without_being_an_administrator(sales, app):
    assert define(sales, {"kind": "permission_set", "name": "performance_admin",
                          "manage_performance": True}).status_code == 200
    li = person(app, "li")
    planner = caller(app, person(app, "planner", permission_sets=["performance_admin"]))
    response = planner.post("/api/v1/targets", json={"kpi": "revenue", "user": li, "period": "2026-Q1",
                                                     "value": "7"})
    assert response.status_code == 201 and response.get_json()["value"] == "7.00"
    assert planner.get("/api/v1/metadata/kpi").status_code == 403  # drafts stay with administrators


def test_a_rep_lists_only_their_own_and_their_teams_targets(sales, app):
    team(app, "east")
    team(app, "west")
    li, wu = person(app, "li", team="east"), person(app, "wu", team="west")
    for body in ({"user": li}, {"user": wu}, {"team": "east"}, {"team": "west"}):
        _set(sales, kpi="revenue", period="2026-Q1", value="1", **body)
    seen = _targets(caller(app, li))
    assert [(t["user"], t["team"]) for t in seen] == [(li, None), (None, "east")]
