"""Deleting a team that KPI targets are set for is refused: the targets measure its past and
planned scorecards. Once they are deleted (each audited), the team can go."""

from tests.helpers import define

from .documents import OBJECTS, REVENUE
from .people import person, team


def test_a_team_with_targets_is_not_deleted_and_nothing_changes(api, app):
    assert define(api, *OBJECTS, REVENUE).status_code == 200
    team(app, "east")
    li = person(app, "li", team="east")
    for period in ("2026-Q1", "2026-Q2"):
        assert api.post("/api/v1/targets", json={"kpi": "revenue", "team": "east", "period": period,
                                                 "value": "100"}).status_code == 201
    response = api.delete("/api/v1/teams/east")
    assert response.status_code == 409
    problem = response.get_json()
    assert (problem["code"], problem["detail"], problem["errors"]) == (
        "directory_conflict", "this team still has 2 KPI target(s): delete them first", {"name": ["has KPI targets"]})
    assert api.get("/api/v1/teams/east").status_code == 200
    assert api.get(f"/api/v1/users/{li}").get_json()["team"] == "east"
    targets = api.get("/api/v1/targets?team=east").get_json()["items"]
    assert [(t["team"], t["period"]["id"]) for t in targets] == [("east", "2026-Q1"), ("east", "2026-Q2")]
    assert api.get("/api/v1/audit", query_string={"event": "team.deleted"}).get_json()["items"] == []


def test_a_team_whose_targets_were_deleted_can_be_deleted(api, app):
    assert define(api, *OBJECTS, REVENUE).status_code == 200
    team(app, "east")
    target = api.post("/api/v1/targets", json={"kpi": "revenue", "team": "east", "period": "2026-Q1", "value": "1"})
    assert api.delete(f"/api/v1/targets/{target.get_json()['id']}").status_code == 204
    assert api.delete("/api/v1/teams/east").status_code == 204
    assert api.get("/api/v1/teams/east").status_code == 404


def test_a_team_without_targets_is_deleted_while_its_members_targets_stay(api, app):
    assert define(api, *OBJECTS, REVENUE).status_code == 200
    team(app, "east")
    li = person(app, "li", team="east")
    assert api.post("/api/v1/targets", json={"kpi": "revenue", "user": li, "period": "2026-Q1",
                                             "value": "5"}).status_code == 201
    assert api.delete("/api/v1/teams/east").status_code == 204
    assert [(t["user"], t["value"]) for t in api.get("/api/v1/targets").get_json()["items"]] == [(li, "5.00")]
