"""Scorecards and leaderboards through the API, every number worked out by hand.

People's records are created in their own name through the runtime (so they own them);
targets, assignments and adjustments are written through the API as the administrator.
"""

from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from sqlalchemy import update

from tessera.runtime import Context
from tessera.runtime.performance import periods as P
from tessera.runtime.performance.actuals import actuals
from tessera.runtime.performance.fused import actuals_of
from tessera.runtime.schema.system_tables import user
from tests.helpers import define

from .documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi
from .people import caller, person, team

MARGIN = kpi("margin", measure="SUM(amount - cost)", filter='stage = "Won"', label={"en": "Margin", "zh-CN": "毛利"})
DISCOUNT = kpi("discount", measure="AVG(discount)", filter='stage = "Won"', direction="lower",
               label={"en": "Discount", "zh-CN": "折扣"})


def scheme(name, items, *, effective_from="2026-01-01", users=(), **body):
    return {"kind": "kpi_scheme", "name": name, "period_type": "quarter", "effective_from": effective_from,
            "applies_to": {"users": list(users)}, "items": items, **body}


class Floor:
    """The people, records and performance data of one test."""

    def __init__(self, app, api):
        self.app, self.api, self.ids = app, api, {}

    def person(self, name, **extra):
        self.ids[name] = person(self.app, name, **extra)
        return self.ids[name]

    def deal(self, who, amount, close_date, cost="0", discount="0", stage="Won"):
        ctx = Context(user_id=self.ids[who], username=who, is_admin=True)
        values = {"title": "deal", "amount": amount, "cost": cost, "discount": discount, "stage": stage,
                  "close_date": close_date}
        return self.app.extensions["tessera"].records.create(ctx, "opportunity", values)["id"]

    def target(self, kpi_name, who, period, value):
        response = self.api.post("/api/v1/targets", json={"kpi": kpi_name, "user": self.ids[who], "period": period,
                                                          "value": value})
        assert response.status_code in (200, 201), response.get_json()

    def card(self, who, period, scheme_name=None, as_api=None):
        query = f"/api/v1/scorecards?user={self.ids[who]}&period={period}"
        query += f"&scheme={scheme_name}" if scheme_name else ""
        return (as_api or self.api).get(query)

    def items(self, who, period, scheme_name=None):
        response = self.card(who, period, scheme_name)
        assert response.status_code == 200, response.get_json()
        return response.get_json()


@pytest.fixture
def floor(app, api):
    return Floor(app, api)


def test_a_scheme_replaced_from_q3_leaves_q2_as_it_was_and_deals_land_by_date(floor):
    ann = floor.person("ann")
    revenue_only = scheme("sales_2026", [{"kpi": "revenue", "weight": 1, "scoring": {"floor": 0, "cap": 150}}],
                          users=[ann])
    assert define(floor.api, *OBJECTS, REVENUE, MARGIN, revenue_only).status_code == 200
    floor.deal("ann", "600.00", "2026-06-30", cost="100.00")
    floor.deal("ann", "900.00", "2026-07-01", cost="400.00")
    for period in ("2026-Q2", "2026-Q3"):
        floor.target("revenue", "ann", period, "1000")
    floor.target("margin", "ann", "2026-Q3", "400")
    q2_before = floor.items("ann", "2026-Q2")
    assert q2_before["scheme"] == {"name": "sales_2026", "version": 1}
    assert q2_before["period"] == {"id": "2026-Q2", "type": "quarter", "start": "2026-04-01", "end": "2026-06-30",
                                   "days": 91}
    assert q2_before["items"] == [{"kpi": "revenue", "label": "Revenue", "actual": "600.00", "target": "1000.00",
                                   "attainment": "0.6000", "score": "60.00", "weight": "1.0000",
                                   "weighted_score": "60.00", "flags": []}]
    summary = (q2_before["total"], q2_before["incomplete"], q2_before["rank"], q2_before["ranked"])
    assert summary == ("60.00", False, 1, 1)

    margin_weighted = scheme("sales_2026", [{"kpi": "margin", "weight": 0.7, "scoring": {"floor": 0, "cap": 150}},
                                            {"kpi": "revenue", "weight": 0.3, "scoring": {"floor": 0, "cap": 150}}],
                             effective_from="2026-07-01", users=[ann])
    assert define(floor.api, margin_weighted).status_code == 200
    assert floor.items("ann", "2026-Q2") == q2_before
    q3 = floor.items("ann", "2026-Q3")
    # margin 900 - 400 = 500 of 400: 1.25 -> 125 x 0.7 = 87.50; revenue 900 of 1000: 90 x 0.3 = 27.00
    assert q3["scheme"] == {"name": "sales_2026", "version": 2}
    assert [(i["kpi"], i["actual"], i["attainment"], i["score"], i["weighted_score"]) for i in q3["items"]] == [
        ("margin", "500.00", "1.2500", "125.00", "87.50"), ("revenue", "900.00", "0.9000", "90.00", "27.00")]
    assert q3["total"] == "114.50"


def _mixed_floor(floor):
    names = ["ann", "bob", "cy", "dee"]
    ids = [floor.person(name) for name in names]
    mixed = scheme("mix", [{"kpi": "revenue", "weight": 0.6,
                            "scoring": {"floor": 0, "cap": 150, "gate": 0.5, "above_target_slope": 2}},
                           {"kpi": "discount", "weight": 0.4, "scoring": {"floor": 0, "cap": 120}}],
                   users=ids, leaderboard="all")
    assert define(floor.api, *OBJECTS, REVENUE, DISCOUNT, mixed).status_code == 200
    for name, amount, discount in (("ann", "1300", "8"), ("bob", "400", "5"), ("cy", "300", "4"),
                                   ("dee", "500", "10")):
        floor.deal(name, amount, "2026-02-10", discount=discount)
        floor.target("discount", name, "2026-Q1", "10")
    for name in ("ann", "bob", "cy"):
        floor.target("revenue", name, "2026-Q1", "1000")


def test_gate_cap_slope_and_a_lower_is_better_item_with_tied_totals_sharing_a_rank(floor):
    _mixed_floor(floor)
    ann = floor.items("ann", "2026-Q1")
    # revenue 1300 / 1000 = 1.3: 100 + 100 x 0.3 x 2 = 160, capped at 150, x 0.6 = 90.00
    # discount 10 / 8 = 1.25: 125, capped at 120, x 0.4 = 48.00; total 138.00
    assert [(i["attainment"], i["score"], i["weighted_score"], i["flags"]) for i in ann["items"]] == [
        ("1.3000", "150.00", "90.00", ["capped"]), ("1.2500", "120.00", "48.00", ["capped"])]
    assert (ann["total"], ann["rank"], ann["ranked"]) == ("138.00", 1, 3)
    bob = floor.items("bob", "2026-Q1")
    # revenue 0.4 is below the gate 0.5: 0; discount 10 / 5 = 2: capped 120 x 0.4 = 48.00
    assert [(i["score"], i["flags"]) for i in bob["items"]] == [("0.00", ["gated"]), ("120.00", ["capped"])]
    assert (bob["total"], bob["rank"]) == ("48.00", 2)
    assert floor.items("cy", "2026-Q1")["rank"] == 2
    dee = floor.items("dee", "2026-Q1")
    assert dee["items"][0]["flags"] == ["no_target"] and dee["items"][0]["score"] is None
    assert (dee["total"], dee["incomplete"], dee["rank"]) == (None, True, None)


def test_the_leaderboard_ranks_totals_with_null_totals_last_and_shows_no_records(floor):
    _mixed_floor(floor)
    rep = caller(floor.app, floor.ids["bob"])
    response = rep.get("/api/v1/leaderboard?scheme=mix&period=2026-Q1")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["period"]["id"] == "2026-Q1" and body["scheme"] == {"name": "mix", "version": 1}
    assert body["rows"] == [
        {"user": {"id": floor.ids["ann"], "name": "ann"}, "total": "138.00", "rank": 1},
        {"user": {"id": floor.ids["bob"], "name": "bob"}, "total": "48.00", "rank": 2},
        {"user": {"id": floor.ids["cy"], "name": "cy"}, "total": "48.00", "rank": 2},
        {"user": {"id": floor.ids["dee"], "name": "dee"}, "total": None, "rank": None}]


def test_a_rep_asking_for_a_peers_scorecard_gets_404_and_their_manager_sees_it(floor):
    _mixed_floor(floor)
    boss = floor.person("boss")
    with floor.app.extensions["tessera"].write() as conn:
        conn.execute(update(user).where(user.c.id == floor.ids["bob"]).values(manager_id=boss))
    bob, cy, manager = (caller(floor.app, floor.ids[n]) for n in ("bob", "cy", "boss"))
    peer = floor.card("bob", "2026-Q1", as_api=cy)
    assert peer.status_code == 404 and peer.get_json()["code"] == "not_found"
    assert floor.card("bob", "2026-Q1", as_api=bob).get_json()["total"] == "48.00"
    assert floor.card("bob", "2026-Q1", as_api=manager).get_json()["total"] == "48.00"
    assert floor.card("cy", "2026-Q1", as_api=manager).status_code == 404


def test_missing_and_zero_targets_under_renormalize(floor):
    ann = floor.person("ann")
    renormalized = scheme("renorm", [{"kpi": "revenue", "weight": 0.5}, {"kpi": "margin", "weight": 0.5}],
                          users=[ann], missing_target="renormalize")
    define(floor.api, *OBJECTS, REVENUE, MARGIN, renormalized)
    floor.deal("ann", "800", "2026-03-01", cost="300")
    floor.target("revenue", "ann", "2026-Q1", "1000")
    floor.target("margin", "ann", "2026-Q1", "0")
    card = floor.items("ann", "2026-Q1")
    # revenue 0.8: 80 x 0.5 = 40.00; margin has a zero target: left out; 40.00 / 0.5 = 80.00
    assert [(i["score"], i["weighted_score"], i["flags"]) for i in card["items"]] == [
        ("80.00", "40.00", []), (None, None, ["zero_target"])]
    assert (card["total"], card["incomplete"], card["rank"]) == ("80.00", False, 1)


def test_a_mid_period_assignment_prorates_the_target_by_days_and_excludes_earlier_deals(floor):
    floor.person("eve")
    define(floor.api, *OBJECTS, REVENUE, scheme("newbie", [{"kpi": "revenue", "weight": 1}]))
    assigned = floor.api.post("/api/v1/scheme-assignments", json={"scheme": "newbie", "user": floor.ids["eve"],
                                                                  "from": "2026-02-15", "to": None})
    assert assigned.status_code == 201, assigned.get_json()
    floor.deal("eve", "1000", "2026-02-01")
    floor.deal("eve", "3600", "2026-03-01")
    floor.target("revenue", "eve", "2026-Q1", "9000")
    card = floor.items("eve", "2026-Q1")
    # covered 15 Feb .. 31 Mar = 14 + 31 = 45 of 90 days: 9000 x 45 / 90 = 4500; 3600 / 4500 = 0.8
    assert card["items"] == [{"kpi": "revenue", "label": "Revenue", "actual": "3600.00", "target": "4500.00",
                              "attainment": "0.8000", "score": "80.00", "weight": "1.0000",
                              "weighted_score": "80.00", "flags": ["prorated"]}]


def test_a_negative_adjustment_counts_in_the_quarter_of_its_date(floor):
    ann = floor.person("ann")
    define(floor.api, *OBJECTS, REVENUE, scheme("plain", [{"kpi": "revenue", "weight": 1}], users=[ann]))
    floor.deal("ann", "1000", "2026-03-01")
    adjusted = floor.api.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": ann, "date": "2026-04-02",
                                                               "value": "-200", "reason": "credit note CN-7"})
    assert adjusted.status_code == 201, adjusted.get_json()
    floor.target("revenue", "ann", "2026-Q1", "1000")
    floor.target("revenue", "ann", "2026-Q2", "1000")
    assert floor.items("ann", "2026-Q1")["items"][0]["actual"] == "1000.00"
    q2 = floor.items("ann", "2026-Q2")["items"][0]
    assert (q2["actual"], q2["attainment"], q2["score"], q2["flags"]) == ("-200.00", "-0.2000", "-20.00", [])


def test_bad_scorecard_queries_are_refused_naming_the_parameter(floor):
    floor.person("ann")
    define(floor.api, *OBJECTS, REVENUE)
    bad_user = floor.api.get("/api/v1/scorecards?user=abc&period=2026-Q1")
    assert bad_user.status_code == 400 and list(bad_user.get_json()["errors"]) == ["user"]
    bad_period = floor.card("ann", "2026-Q5")
    assert bad_period.status_code == 400 and bad_period.get_json()["code"] == "invalid_period"
    unknown = floor.card("ann", "2026-Q1", "nothing")
    assert unknown.status_code == 404
    no_scheme = floor.api.get("/api/v1/leaderboard?period=2026-Q1")
    assert no_scheme.status_code == 400 and list(no_scheme.get_json()["errors"]) == ["scheme"]


def test_a_team_counts_a_split_deal_once_and_divides_total_actual_by_total_target_on_two_levels(floor):
    team(floor.app, "sales")
    team(floor.app, "east", parent="sales")
    for name, unit in (("ann", "east"), ("bob", "east"), ("cy", "sales")):
        floor.person(name, team=unit)
    split_revenue = kpi("split_revenue", credit=SPLIT_CREDIT, filter='stage = "Won"')
    plan = {**scheme("team_plan", [{"kpi": "split_revenue", "weight": 1}]), "applies_to": {"teams": ["sales"]}}
    assert define(floor.api, *OBJECTS, split_revenue, plan).status_code == 200
    shared, own = floor.deal("ann", "1000", "2026-02-01"), floor.deal("cy", "500", "2026-02-02")
    clerk = Context(user_id=floor.ids["ann"], username="ann", is_admin=True)
    for deal_id, who, share in ((shared, "ann", "60"), (shared, "bob", "40"), (own, "cy", "100")):
        floor.app.extensions["tessera"].records.create(clerk, "opportunity_split", {
            "opportunity": deal_id, "member": floor.ids[who], "share": share})
    for name, value in (("ann", "500"), ("bob", "500"), ("cy", "400")):
        floor.target("split_revenue", name, "2026-Q1", value)
    # each member by their share: ann 600, bob 400, cy 500
    assert [floor.items(n, "2026-Q1")["items"][0]["actual"] for n in ("ann", "bob", "cy")] == [
        "600.00", "400.00", "500.00"]
    body = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    # sales: 600 + 400 + 500 = 1500 over the members' 500 + 500 + 400 = 1400: 1.0714
    assert body["team"] == "sales" and body["scheme"] == {"name": "team_plan", "version": 1}
    assert body["items"] == [{"kpi": "split_revenue", "label": "split_revenue", "actual": "1500.00",
                              "target": "1400.00", "attainment": "1.0714", "score": "107.14", "weight": "1.0000",
                              "weighted_score": "107.14", "flags": [], "members": 3,
                              "members_at_or_above_target": 2}]
    # east: the shared deal once, 1000 over 500 + 500; only ann reached her own target
    east = body["teams"][0]
    assert east["team"] == "east"
    assert [(i["actual"], i["target"], i["attainment"], i["members"], i["members_at_or_above_target"])
            for i in east["items"]] == [("1000.00", "1000.00", "1.0000", 2, 1)]
    response = floor.api.post("/api/v1/targets", json={"kpi": "split_revenue", "team": "sales", "period": "2026-Q1",
                                                       "value": "2000"})
    assert response.status_code in (200, 201), response.get_json()
    again = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    item = again["items"][0]
    assert (item["target"], item["attainment"], again["total"]) == ("2000.00", "0.7500", "75.00")


def test_explain_lines_and_adjustments_sum_to_the_actual_across_pages_with_the_arithmetic(floor):
    ann = floor.person("ann")
    plan = scheme("plain", [{"kpi": "revenue", "weight": 1,
                             "scoring": {"floor": 0, "cap": 150, "above_target_slope": 0.5}}], users=[ann])
    define(floor.api, *OBJECTS, REVENUE, plan)
    for amount, day in (("400.00", "2026-01-05"), ("300.00", "2026-01-05"), ("500.00", "2026-02-01")):
        floor.deal("ann", amount, day)
    floor.deal("ann", "999.00", "2026-02-02", stage="Lost")
    floor.api.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": ann, "date": "2026-03-05",
                                                    "value": "-100", "reason": "credit note CN-7"})
    floor.target("revenue", "ann", "2026-Q1", "1000")
    base = f"/api/v1/scorecards/explain?user={ann}&period=2026-Q1&kpi=revenue&limit=2"
    first = floor.api.get(base).get_json()
    # 400 + 300 + 500 - 100 = 1100 of 1000: 1.1; 100 + 100 x 0.1 x 0.5 = 105
    assert (first["actual"], first["target"], first["target_source"]["source"]) == ("1100.00", "1000.00", "set")
    assert [(l["date"], l["contribution"]) for l in first["lines"]] == [("2026-01-05", "400.00"),
                                                                        ("2026-01-05", "300.00")]
    assert first["lines"][0]["record"]["title"] == "deal"
    assert [(a["date"], a["contribution"]) for a in first["adjustments"]] == [("2026-03-05", "-100.00")]
    second = floor.api.get(base + f"&cursor={first['next_cursor']}").get_json()
    assert [l["contribution"] for l in second["lines"]] == ["500.00"] and second["next_cursor"] is None
    assert second["adjustments"] == []
    contributions = [l["contribution"] for l in first["lines"] + second["lines"] + first["adjustments"]]
    assert sum(map(D, contributions)) == D("1100")
    assert {k: first["arithmetic"][k] for k in ("attainment", "slope", "points", "score", "weighted_score")} == {
        "attainment": "1.1000", "slope": "0.5", "points": "105.00", "score": "105.00", "weighted_score": "105.00"}
    assert first["sentence"] == ("1100.00 against a target of 1000.00 is an attainment of 1.1000; beyond target, "
                                 "100 + 100 × (1.1000 − 1) × 0.5 = 105.00 points; 105.00 × weight 1.0000 = 105.00")
    chinese = floor.api.get(base, headers={"Accept-Language": "zh-CN"}).get_json()
    assert chinese["sentence"].startswith("实际 1100.00，目标 1000.00，达成率为 1.1000；")


def test_explain_hides_records_the_viewer_cannot_open_and_a_peer_gets_404(floor):
    ann, bob = floor.person("ann"), floor.person("bob")
    define(floor.api, *OBJECTS, REVENUE, scheme("plain", [{"kpi": "revenue", "weight": 1}], users=[ann]))
    floor.deal("ann", "250.00", "2026-01-10")
    floor.target("revenue", "ann", "2026-Q1", "1000")
    own = caller(floor.app, ann).get(f"/api/v1/scorecards/explain?user={ann}&period=2026-Q1&kpi=revenue").get_json()
    # ann holds no permission set: she may not open opportunity records, even her own
    assert own["lines"] == [{"type": "record", "date": "2026-01-10", "value": "250.00", "share": None,
                             "contribution": "250.00", "record": None, "label": "a record you cannot open"}]
    peer = caller(floor.app, bob).get(f"/api/v1/scorecards/explain?user={ann}&period=2026-Q1&kpi=revenue")
    assert peer.status_code == 404
    not_in = floor.api.get(f"/api/v1/scorecards/explain?user={ann}&period=2026-Q1&kpi=margin")
    assert not_in.status_code == 404 and not_in.get_json()["code"] == "not_found"
    assert caller(floor.app, ann).get("/api/v1/scorecards?period=2026-Q1").get_json()["user"]["id"] == ann


APRIL = {"kind": "fiscal_calendar", "name": "default", "start_month": 4, "year_named_by": "start"}


def test_an_april_fiscal_year_scores_halves_and_years_against_targets_spread_over_quarters(floor):
    ann = floor.person("ann")
    halves = {**scheme("halves", [{"kpi": "revenue", "weight": 1}], effective_from="2026-04-01", users=[ann]),
              "period_type": "half"}
    yearly = {**scheme("yearly", [{"kpi": "revenue", "weight": 1}], effective_from="2026-04-01", users=[ann]),
              "period_type": "year"}
    assert define(floor.api, *OBJECTS, APRIL, REVENUE, halves, yearly).status_code == 200
    floor.deal("ann", "700.00", "2026-03-31")  # fiscal 2025
    floor.deal("ann", "3000.00", "2026-04-01")  # fiscal 2026-Q1
    floor.deal("ann", "1500.00", "2026-12-01")  # fiscal 2026-Q3
    spread = floor.api.post("/api/v1/targets/spread", json={"kpi": "revenue", "user": ann, "period": "2026",
                                                            "value": "10000", "into": "quarter",
                                                            "weights": [1, 1, 1, 1]})
    assert spread.status_code in (200, 201), spread.get_json()
    h1 = floor.items("ann", "2026-H1", "halves")
    # H1 = 2026-04-01 .. 2026-09-30: 3000 of 2500 + 2500 = 5000: 0.6
    assert h1["period"] == {"id": "2026-H1", "type": "half", "start": "2026-04-01", "end": "2026-09-30", "days": 183}
    assert [(i["actual"], i["target"], i["attainment"], i["score"]) for i in h1["items"]] == [
        ("3000.00", "5000.00", "0.6000", "60.00")]
    year = floor.items("ann", "2026", "yearly")
    # the year: 3000 + 1500 = 4500 of 10000 (the sum of the four quarters): 0.45
    assert [(i["actual"], i["target"], i["attainment"]) for i in year["items"]] == [("4500.00", "10000.00", "0.4500")]
    why = floor.api.get(f"/api/v1/scorecards/explain?user={ann}&period=2026&kpi=revenue").get_json()
    assert why["target_source"]["source"] == "sum of sub-periods"


def test_a_ratio_kpi_with_a_zero_denominator_has_no_value_and_explains_its_parts(floor):
    ann = floor.person("ann")
    won = kpi("won_count", measure="COUNT()", filter='stage = "Won"', scale=0)
    closed = kpi("closed_count", measure="COUNT()", filter='stage != "Open"', scale=0)
    win_rate = kpi("win_rate", formula="won_count / closed_count", unit="percent", scale=4)
    plan = scheme("rates", [{"kpi": "win_rate", "weight": 1}], users=[ann], missing_target="renormalize")
    assert define(floor.api, *OBJECTS, won, closed, win_rate, plan).status_code == 200
    floor.deal("ann", "100", "2026-02-01", stage="Open")
    floor.target("win_rate", "ann", "2026-Q1", "0.5")
    card = floor.items("ann", "2026-Q1")
    assert [(i["actual"], i["attainment"], i["score"], i["flags"]) for i in card["items"]] == [(None, None, None, [])]
    assert (card["total"], card["incomplete"], card["rank"]) == (None, True, None)
    why = floor.api.get(f"/api/v1/scorecards/explain?user={ann}&period=2026-Q1&kpi=win_rate").get_json()
    assert why["parts"] == [{"kpi": "closed_count", "actual": "0"}, {"kpi": "won_count", "actual": "0"}]
    assert why["sentence"] == "there is no value to score"


def test_a_scheme_whose_weights_total_nine_tenths_is_refused_naming_items_and_nothing_is_saved(floor):
    assert define(floor.api, *OBJECTS, REVENUE, MARGIN).status_code == 200
    bad = scheme("short", [{"kpi": "revenue", "weight": 0.6}, {"kpi": "margin", "weight": 0.3}])
    response = floor.api.put("/api/v1/metadata/kpi_scheme/short", json=bad)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"items": ["the weights of the items must total exactly 1, not 0.9"]}
    assert floor.api.get("/api/v1/metadata/kpi_scheme/short").status_code == 404


def _statements(app):
    """A list that collects every SQL statement the app's engine runs from now on."""
    seen = []
    sa.event.listen(app.extensions["tessera"].engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *rest: seen.append(statement))
    return seen


def test_a_leaderboards_queries_grow_with_its_kpis_not_its_people(floor):
    # (at most one scan of the records per KPI; here both KPIs share one)
    names = [f"rep{i}" for i in range(8)]
    ids = [floor.person(name) for name in names]
    plan = scheme("board", [{"kpi": "revenue", "weight": 0.5}, {"kpi": "margin", "weight": 0.5}], users=ids,
                  leaderboard="all")
    define(floor.api, *OBJECTS, REVENUE, MARGIN, plan)
    for name in names:
        floor.deal(name, "100", "2026-02-01", cost="40")
    floor.api.get("/api/v1/leaderboard?scheme=board&period=2026-Q1")  # warm the model cache
    boards = floor.app.extensions["tessera"].scorecards.boards
    boards.clear()  # the board is computed each time, not taken from the board cache
    seen = _statements(floor.app)
    assert floor.api.get("/api/v1/leaderboard?scheme=board&period=2026-Q1").status_code == 200
    # KPIs over the same records, dated and credited alike, share ONE grouped scan, whatever the number of people
    assert len([s for s in seen if "GROUP BY" in s and "opportunity" in s]) == 1
    few = len(seen)
    more = [floor.person(f"late{i}") for i in range(8)]
    define(floor.api, {**plan, "applies_to": {"users": ids + more}})
    floor.api.get("/api/v1/leaderboard?scheme=board&period=2026-Q1")
    boards.clear()
    seen.clear()
    floor.api.get("/api/v1/leaderboard?scheme=board&period=2026-Q1")
    assert len(seen) == few


def test_a_team_leaderboard_shows_a_rep_their_teams_rows_and_a_managers_board_is_for_managers(floor):
    team(floor.app, "north")
    team(floor.app, "south")
    ann, bob = floor.person("ann", team="north"), floor.person("bob", team="north")
    cy = floor.person("cy", team="south")
    board = scheme("board", [{"kpi": "revenue", "weight": 1}], users=[ann, bob, cy], leaderboard="team")
    bosses = {**scheme("bosses", [{"kpi": "revenue", "weight": 1}], users=[ann, bob, cy]), "leaderboard": "managers"}
    define(floor.api, *OBJECTS, REVENUE, board, bosses)
    for name, amount in (("ann", "300"), ("bob", "500"), ("cy", "900")):
        floor.deal(name, amount, "2026-01-20")
        floor.target("revenue", name, "2026-Q1", "1000")
    rows = caller(floor.app, ann).get("/api/v1/leaderboard?scheme=board&period=2026-Q1").get_json()["rows"]
    # ranks are the scheme's: cy (90) first, bob (50) second, ann (30) third; ann sees her team only
    assert [(r["user"]["name"], r["total"], r["rank"]) for r in rows] == [("bob", "50.00", 2), ("ann", "30.00", 3)]
    everyone = floor.api.get("/api/v1/leaderboard?scheme=board&period=2026-Q1&team=south").get_json()["rows"]
    assert [(r["user"]["name"], r["rank"]) for r in everyone] == [("cy", 1)]
    assert caller(floor.app, ann).get("/api/v1/leaderboard?scheme=bosses&period=2026-Q1").status_code == 404


def test_kpis_read_in_one_shared_scan_give_the_numbers_each_reads_alone(floor):
    ann, bob = floor.person("ann"), floor.person("bob")
    won = kpi("won", measure="COUNT()", filter='stage = "Won"', scale=0)
    lost_value = kpi("lost_value", filter='stage = "Lost"')
    every = kpi("every", measure="COUNT(cost)")
    define(floor.api, *OBJECTS, REVENUE, MARGIN, won, lost_value, every, DISCOUNT)
    floor.deal("ann", "100.10", "2026-01-03", cost="30.05")
    floor.deal("ann", "50", "2026-02-03", stage="Lost")
    floor.deal("bob", "70", "2026-04-03", cost="10")
    floor.api.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": bob, "date": "2026-03-05",
                                                    "value": "-5.25", "reason": "credit note"})
    runtime = floor.app.extensions["tessera"]
    names = ["revenue", "margin", "won", "lost_value", "every", "discount"]
    with runtime.read() as conn:
        model = runtime.model(conn)
        calendar = runtime.performance.calendar(model)
        periods = [P.parse(calendar, p) for p in ("2026-Q1", "2026-Q2", "2026")]
        for users in (None, [ann, bob]):
            together = actuals_of(conn, model, names, periods, users, env=runtime.eval_env(), timezone="UTC")
            alone = {name: actuals(conn, model, name, periods, users, env=runtime.eval_env(), timezone="UTC")
                     for name in names}
            assert together == alone
    assert alone["revenue"][(bob, "2026-Q1")] == D("-5.25") and alone["margin"][(ann, "2026")] == D("70.05")


def test_people_measured_on_different_parts_of_a_quarter_are_counted_on_their_days_by_one_statement(floor):
    ann, bob, cid = floor.person("ann"), floor.person("bob"), floor.person("cid")
    plan = scheme("windows", [{"kpi": "revenue", "weight": 0.5}, {"kpi": "margin", "weight": 0.5}], users=[ann],
                  leaderboard="all", proration="none")
    define(floor.api, *OBJECTS, REVENUE, MARGIN, plan)
    for who, start, end in (("bob", "2026-02-15", None), ("cid", "2026-01-01", "2026-01-31")):
        assigned = floor.api.post("/api/v1/scheme-assignments", json={"scheme": "windows", "user": floor.ids[who],
                                                                      "from": start, "to": end})
        assert assigned.status_code == 201, assigned.get_json()
    for who in ("ann", "bob", "cid"):
        floor.deal(who, "100", "2026-01-10", cost="10")
        floor.deal(who, "200", "2026-03-10", cost="20")
    adjusted = floor.api.post("/api/v1/kpi-adjustments", json={"kpi": "revenue", "user": bob, "date": "2026-02-01",
                                                               "value": "-50", "reason": "before bob's window"})
    assert adjusted.status_code == 201, adjusted.get_json()
    for who in ("ann", "bob", "cid"):
        floor.target("revenue", who, "2026-Q1", "300")
        floor.target("margin", who, "2026-Q1", "270")
    floor.api.get("/api/v1/leaderboard?scheme=windows&period=2026-Q1")  # warm the model cache
    floor.app.extensions["tessera"].scorecards.boards.clear()  # computed, not taken from the board cache
    seen = _statements(floor.app)
    board = floor.api.get("/api/v1/leaderboard?scheme=windows&period=2026-Q1").get_json()
    # ann: all of Q1 (300 of 300, 270 of 270); bob from 15 Feb (200, 180; the adjustment is before);
    # cid in January only (100, 90). Each weighted score is rounded: bob 66.67 x 0.5 = 33.34 twice,
    # cid 33.33 x 0.5 = 16.67 twice
    totals = {row["user"]["id"]: row["total"] for row in board["rows"]}
    assert totals == {ann: "100.00", bob: "66.68", cid: "33.34"}
    assert len([s for s in seen if "GROUP BY" in s and "opportunity" in s]) == 1
    assert floor.items("bob", "2026-Q1")["items"][0]["actual"] == "200.00"
