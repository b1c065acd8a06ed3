"""The demo shows the performance engine: four reps in two teams measured by a quarterly
scheme of five KPIs (one split-credited, one a ratio, one lower-is-better), with deals
and targets in the quarter holding today, so the leaderboard and scorecards answer
numbers at once. Every number below is worked out by hand from examples/crm-basic/performance.
"""

import pytest

from tessera.platform.demo import load_demo
from tessera.platform.demo_performance import current_quarter
from tessera.runtime.identity.users import create_token, find_user
from tests.conftest import Api


@pytest.fixture
def demo(app):
    runtime = app.extensions["tessera"]
    admin = Api(app.test_client(), load_demo(runtime))
    period, _ = current_quarter(runtime)
    return runtime, admin, period.id


def _rows(admin, period):
    response = admin.get(f"/api/v1/leaderboard?scheme=sales_quarterly&period={period}")
    assert response.status_code == 200, response.get_json()
    return [(row["user"]["name"], row["total"], row["rank"]) for row in response.get_json()["rows"]]


def test_the_demo_leaderboard_ranks_the_four_reps_of_the_current_quarter(demo):
    _, admin, period = demo
    # chen 31.50 + 24.67 + 30.00 + 18.00 + 18.00; wang 30 + 23 + 28 + 15 + 18;
    # li 33 + 22 + 15.60 + 18 + 16; zhang 28.13 + 15 + 13.13 + 15 + 10
    assert _rows(admin, period) == [("Chen Jie", "122.17", 1), ("Wang Fang", "114.00", 2),
                                    ("Li Wei", "104.60", 3), ("Zhang Min", "81.26", 4)]


def test_a_demo_scorecard_shows_each_kpi_of_the_scheme(demo):
    runtime, admin, period = demo
    with runtime.read() as conn:
        li = find_user(conn, "li.wei")["id"]
    card = admin.get(f"/api/v1/scorecards?user={li}&period={period}").get_json()
    # revenue 165000 of 150000; margin 49500 of 45000; 60 % of 120000 + 45000 = 117000 of 150000;
    # 2 won of 3 closed = 0.6667 of 0.5 (capped at 120); discounts 5 % and 10 % average 7.5 % against 8 %
    assert [(i["kpi"], i["actual"], i["target"], i["score"], i["weighted_score"], i["flags"])
            for i in card["items"]] == [
        ("revenue", "165000.00", "150000.00", "110.00", "33.00", []),
        ("margin", "49500.00", "45000.00", "110.00", "22.00", []),
        ("team_selling", "117000.00", "150000.00", "78.00", "15.60", []),
        ("win_rate", "0.6667", "0.5000", "120.00", "18.00", ["capped"]),
        ("discount", "0.0750", "0.0800", "106.67", "16.00", [])]
    assert (card["total"], card["rank"], card["ranked"]) == ("104.60", 3, 4)


def test_the_demo_sales_team_counts_each_deal_once(demo):
    _, admin, period = demo
    body = admin.get(f"/api/v1/scorecards?team=sales&period={period}").get_json()
    # eight won deals worth 540000 (the two split deals once), 8 of 13 closed, eight discounts averaging 5.875 %
    assert [(i["kpi"], i["actual"], i["target"]) for i in body["items"]] == [
        ("revenue", "540000.00", "530000.00"), ("margin", "151000.00", "145000.00"),
        ("team_selling", "540000.00", "530000.00"), ("win_rate", "0.6154", "0.5000"),
        ("discount", "0.0588", "0.0800")]
    assert [team["team"] for team in body["teams"]] == ["east", "north"]


def test_loading_the_demo_again_adds_no_deal_and_no_target(demo):
    runtime, admin, period = demo
    count = admin.get("/api/v1/objects/opportunity/records/count").get_json()
    targets = admin.get("/api/v1/targets?limit=1000").get_json()["items"]
    load_demo(runtime)
    assert admin.get("/api/v1/objects/opportunity/records/count").get_json() == count
    assert admin.get("/api/v1/targets?limit=1000").get_json()["items"] == targets
    assert len(targets) == 22 and _rows(admin, period)[0] == ("Chen Jie", "122.17", 1)


def _as(runtime, app, username):
    with runtime.write() as conn:
        return Api(app.test_client(), create_token(conn, find_user(conn, username)["id"]))


def test_a_demo_rep_opens_their_own_deals_behind_a_number_and_not_a_peers(demo, app):
    runtime, _, period = demo
    wang = _as(runtime, app, "wang.fang")
    why = wang.get(f"/api/v1/scorecards/explain?period={period}&kpi=team_selling").get_json()
    # 40 % of Li Wei's deal (his record), then her own two deals in full: 48000 + 90000 + 30000
    assert [(line["share"], line["contribution"], (line["record"] or {}).get("title")) for line in why["lines"]] == [
        ("40", "48000.00", None), ("100", "90000.00", "Water works service"),
        ("100", "30000.00", "Dairy pumps")]
    assert why["actual"] == "168000.00"
    peer = wang.get(f"/api/v1/scorecards?user={find_user_id(runtime, 'li.wei')}&period={period}")
    assert peer.status_code == 404


def test_the_demo_manager_sees_every_rep_and_the_team(demo, app):
    runtime, _, period = demo
    zhao = _as(runtime, app, "zhao.lei")
    card = zhao.get(f"/api/v1/scorecards?user={find_user_id(runtime, 'zhang.min')}&period={period}").get_json()
    assert (card["total"], card["rank"]) == ("81.26", 4)
    assert zhao.get(f"/api/v1/scorecards?team=sales&period={period}").status_code == 200


def find_user_id(runtime, username):
    with runtime.read() as conn:
        return find_user(conn, username)["id"]
