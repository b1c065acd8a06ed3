"""Team values of KPIs that do not add across people: averages, minimums, maximums,
distinct counts and ratios, over two levels of teams, every number worked out by hand.

A team's average is over its members' records (not the mean of their averages), a value
two members share counts once in a distinct count, and a ratio is the ratio of its
parts' team values.
"""

import pytest

from tessera.runtime import Context
from tests.helpers import define

from .documents import OBJECTS, kpi
from .people import team
from .test_scorecards_api import Floor, _statements, scheme

WON = 'stage = "Won"'
KPIS = (
    kpi("discount", measure="AVG(discount)", filter=WON, direction="lower"),
    kpi("biggest", measure="MAX(amount)", filter=WON),
    kpi("smallest", measure="MIN(amount)", filter=WON),
    kpi("accounts", measure="COUNT_DISTINCT(account)", filter=WON, scale=0),
    kpi("won_count", measure="COUNT()", filter=WON, scale=0),
    kpi("closed_count", measure="COUNT()", filter='stage != "Open"', scale=0),
    kpi("win_rate", formula="won_count / closed_count", unit="percent", scale=4),
)
ITEMS = ["discount", "biggest", "smallest", "accounts", "win_rate"]


@pytest.fixture
def floor(app, api):
    """sales (cy) above east (ann, bob) and west (dee); deals of Q1 2026 over accounts A, B, C."""
    floor = Floor(app, api)
    team(app, "sales")
    team(app, "east", parent="sales")
    team(app, "west", parent="sales")
    for name, unit in (("ann", "east"), ("bob", "east"), ("cy", "sales"), ("dee", "west")):
        floor.person(name, team=unit)
    plan = {**scheme("teams", [{"kpi": name, "weight": 0.2} for name in ITEMS]), "applies_to": {"teams": ["sales"]}}
    assert define(api, *OBJECTS, *KPIS, plan).status_code == 200
    records = app.extensions["tessera"].records
    admin = Context(user_id=floor.ids["ann"], username="ann", is_admin=True)
    accounts = {name: records.create(admin, "account", {"name": name})["id"] for name in "ABC"}
    for who, amount, discount, account, stage in (
            ("ann", "1000", "10", "A", "Won"), ("ann", "200", "4", "B", "Won"), ("ann", "300", "0", "A", "Lost"),
            ("bob", "600", "6", "A", "Won"), ("bob", "100", "0", "C", "Lost"),
            ("cy", "400", "20", "B", "Won"), ("dee", "50", "0", "C", "Open")):
        deal = floor.deal(who, amount, "2026-02-10", discount=discount, stage=stage)
        records.update(admin, "opportunity", deal, {"account": accounts[account]})
    return floor


def _actuals(body):
    return [item["actual"] for item in body["items"]]


def test_a_teams_average_minimum_maximum_and_distinct_count_are_over_its_members_records(floor):
    body = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    east, west = body["teams"]
    # east: discounts 10, 4, 6 average 6.67 (not the mean 6.50 of ann's 7 and bob's 6); won deals
    # 1000, 200, 600; accounts A, B, A count 2 (not ann's 2 + bob's 1); win rate 3 won of 5 closed
    assert (east["team"], _actuals(east)) == ("east", ["6.67", "1000.00", "200.00", "2", "0.6000"])
    # sales adds cy's deal (discount 20, 400, account B): 40 / 4 = 10.00; still 2 accounts; 4 won of 6 closed
    assert _actuals(body) == ["10.00", "1000.00", "200.00", "2", "0.6667"]
    # west: dee's only deal is open: no average, minimum or maximum, no account, a 0 / 0 win rate
    assert (west["team"], _actuals(west)) == ("west", [None, None, None, "0", None])
    assert [(item["score"], item["flags"]) for item in west["items"]] == [(None, ["no_target"])] * 5


def test_a_team_is_scored_on_those_values_against_its_own_targets(floor):
    for name, value in (("discount", "8"), ("biggest", "800"), ("smallest", "100"), ("accounts", "4"),
                        ("win_rate", "0.5")):
        response = floor.api.post("/api/v1/targets", json={"kpi": name, "team": "sales", "period": "2026-Q1",
                                                           "value": value})
        assert response.status_code == 201, response.get_json()
    body = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    # discount (lower) 8 / 10 = 0.8; 1000 / 800; 200 / 100; 2 / 4; 0.6667 / 0.5 = 1.3334; each x 0.2
    assert [(i["attainment"], i["score"], i["weighted_score"]) for i in body["items"]] == [
        ("0.8000", "80.00", "16.00"), ("1.2500", "125.00", "25.00"), ("2.0000", "200.00", "40.00"),
        ("0.5000", "50.00", "10.00"), ("1.3334", "133.34", "26.67")]
    assert (body["total"], body["incomplete"]) == ("117.67", False)
    assert [i["members"] for i in body["items"]] == [4] * 5


def test_each_non_additive_kpi_is_one_query_grouped_by_team_whatever_the_number_of_teams(floor):
    floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1")  # warm the model cache
    seen = _statements(floor.app)
    assert floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").status_code == 200
    # discount, biggest, smallest and accounts; the ratio's parts add up from the members' counts
    assert len([s for s in seen if "team_units" in s and "GROUP BY" in s]) == 4


def test_members_targets_add_up_to_a_team_target_only_for_sums_and_counts(floor):
    for who in ("ann", "bob"):
        for name, value in (("discount", "8"), ("accounts", "1"), ("win_rate", "0.5")):
            response = floor.api.post("/api/v1/targets", json={"kpi": name, "user": floor.ids[who],
                                                               "period": "2026-Q1", "value": value})
            assert response.status_code == 201, response.get_json()
    east = floor.api.get("/api/v1/scorecards?team=east&period=2026-Q1").get_json()
    # 8 % and 8 % are no team target of 16 %; nor are two win rates of 0.5 a team rate of 1
    assert [(i["kpi"], i["target"], i["flags"]) for i in east["items"]] == [
        ("discount", None, ["no_target"]), ("biggest", None, ["no_target"]), ("smallest", None, ["no_target"]),
        ("accounts", None, ["no_target"]), ("win_rate", None, ["no_target"])]
    # each member still counts against their own target: discounts 7 and 6 beat 8 (lower is better), 2 and 1
    # accounts reach 1, win rates 2/3 and 1/2 reach 0.5
    assert [i["members_at_or_above_target"] for i in east["items"]] == [2, 0, 0, 2, 2]


def test_many_teams_are_read_through_a_units_table_built_in_chunks_with_the_same_numbers(floor, monkeypatch):
    # SQLite refuses a compound SELECT of more than 500 terms: the literal rows come in chunks
    before = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    monkeypatch.setattr("tessera.runtime.performance.team_actuals._CHUNK", 2)
    after = floor.api.get("/api/v1/scorecards?team=sales&period=2026-Q1").get_json()
    assert after == before and _actuals(after) == ["10.00", "1000.00", "200.00", "2", "0.6667"]
