"""Who sees which rows of a leaderboard, by the scheme's ``leaderboard`` setting, for a rep,
a manager and an administrator; and a leaderboard carries names and totals, never records.

north (ann, bob) and south (cy) are under sales; mia, in no team, manages cy. Revenue
against a target of 1000 each: cy 900 (90.00, rank 1), bob 500 (50.00, 2), ann 300 (30.00, 3).
"""

import pytest
from sqlalchemy import update

from tessera.runtime.schema.system_tables import user
from tests.helpers import define

from .documents import OBJECTS, REVENUE
from .people import caller, team
from .test_scorecards_api import Floor, scheme

SETTINGS = ("all", "team", "managers")
EVERYONE = [("cy", "90.00", 1), ("bob", "50.00", 2), ("ann", "30.00", 3)]


@pytest.fixture
def board(app, api):
    floor = Floor(app, api)
    team(app, "sales")
    team(app, "north", parent="sales")
    team(app, "south", parent="sales")
    for name, unit in (("ann", "north"), ("bob", "north"), ("cy", "south"), ("mia", None)):
        floor.person(name, team=unit)
    with app.extensions["tessera"].write() as conn:
        conn.execute(update(user).where(user.c.id == floor.ids["cy"]).values(manager_id=floor.ids["mia"]))
    reps = [floor.ids[name] for name in ("ann", "bob", "cy")]
    boards = [scheme(f"board_{setting}", [{"kpi": "revenue", "weight": 1}], users=reps, leaderboard=setting)
              for setting in SETTINGS]
    assert define(api, *OBJECTS, REVENUE, *boards).status_code == 200
    for name, amount in (("ann", "300"), ("bob", "500"), ("cy", "900")):
        floor.deal(name, amount, "2026-01-20")
        floor.target("revenue", name, "2026-Q1", "1000")
    return floor


def _viewer(floor, who):
    return floor.api if who == "admin" else caller(floor.app, floor.ids[who])


@pytest.mark.parametrize(("setting", "who", "rows"), [
    ("all", "ann", EVERYONE), ("all", "mia", EVERYONE), ("all", "admin", EVERYONE),
    # team: a rep sees their team and the teams below it; a manager without a team the people below them
    ("team", "ann", [("bob", "50.00", 2), ("ann", "30.00", 3)]), ("team", "mia", [("cy", "90.00", 1)]),
    ("team", "admin", EVERYONE),
    # managers: anyone with someone below them sees the whole board
    ("managers", "mia", EVERYONE), ("managers", "admin", EVERYONE),
])
def test_each_setting_shows_each_viewer_the_rows_it_allows(board, setting, who, rows):
    response = _viewer(board, who).get(f"/api/v1/leaderboard?scheme=board_{setting}&period=2026-Q1")
    assert response.status_code == 200, response.get_json()
    assert [(r["user"]["name"], r["total"], r["rank"]) for r in response.get_json()["rows"]] == rows


def test_a_managers_board_is_not_found_for_a_rep_with_nobody_below_them(board):
    response = _viewer(board, "ann").get("/api/v1/leaderboard?scheme=board_managers&period=2026-Q1")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


def test_the_team_parameter_narrows_what_a_viewer_may_see_and_never_widens_it(board):
    ann = _viewer(board, "ann")
    assert ann.get("/api/v1/leaderboard?scheme=board_team&period=2026-Q1&team=south").get_json()["rows"] == []
    rows = ann.get("/api/v1/leaderboard?scheme=board_all&period=2026-Q1&team=south").get_json()["rows"]
    assert [(r["user"]["name"], r["rank"]) for r in rows] == [("cy", 1)]


@pytest.mark.parametrize("setting", SETTINGS)
def test_a_leaderboard_carries_names_and_totals_never_records(board, setting):
    body = board.api.get(f"/api/v1/leaderboard?scheme=board_{setting}&period=2026-Q1").get_json()
    assert sorted(body) == ["period", "rows", "scheme"]
    assert body["scheme"] == {"name": f"board_{setting}", "version": 1}
    assert {tuple(sorted(row)) for row in body["rows"]} == {("rank", "total", "user")}
    assert {tuple(sorted(row["user"])) for row in body["rows"]} == {("id", "name")}
