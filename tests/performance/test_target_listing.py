"""Who lists whose targets: the same rule as scorecards.

A rep lists their own targets and their team's; a manager also those of the people below
them (by the manager chain or the role hierarchy) and of the teams made only of them; a
holder of manage_performance or an administrator lists every target. Filters narrow what
the caller may see, never widen it.
"""

import pytest
from sqlalchemy import insert, update

from tessera.runtime.identity import version as directory_version
from tessera.runtime.identity.units import create_unit, find_unit
from tessera.runtime.schema.system_tables import user, user_role
from tests.helpers import define

from .documents import OBJECTS, REVENUE, kpi
from .people import caller, person, team


@pytest.fixture
def office(app, api):
    """sales (cy) above east (ann, bob); west (wu); mia manages ann and holds a role above bob's."""
    assert define(api, *OBJECTS, REVENUE, kpi("deals", measure="COUNT()", scale=0)).status_code == 200
    team(app, "sales")
    team(app, "east", parent="sales")
    team(app, "west")
    ids = {"mia": person(app, "mia")}
    for name, unit in (("ann", "east"), ("bob", "east"), ("cy", "sales"), ("wu", "west")):
        ids[name] = person(app, name, team=unit)
    with app.extensions["tessera"].write() as conn:
        create_unit(conn, "role", "lead")
        create_unit(conn, "role", "rep", parent="lead")
        for who, role in (("mia", "lead"), ("bob", "rep")):
            conn.execute(insert(user_role).values(user_id=ids[who], role_id=find_unit(conn, "role", role)["id"]))
        conn.execute(update(user).where(user.c.id == ids["ann"]).values(manager_id=ids["mia"]))
        directory_version.bump(conn)
    made = {}
    for key, subject in [*((n, {"user": ids[n]}) for n in ("mia", "ann", "bob", "cy", "wu")),
                         *((n, {"team": n}) for n in ("east", "sales", "west"))]:
        made[(key, "revenue")] = _post(api, kpi="revenue", period="2026-Q1", value="100", **subject)
    for key, subject in (("ann", {"user": ids["ann"]}), ("east", {"team": "east"})):
        made[(key, "deals")] = _post(api, kpi="deals", period="2026-Q2", value="5", **subject)
    return app, api, ids, made


def _post(api, **body):
    response = api.post("/api/v1/targets", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _listed(client, made, **query):
    response = client.get("/api/v1/targets", query_string=query)
    assert response.status_code == 200, response.get_json()
    names = {target_id: key for key, target_id in made.items()}
    return [names[item["id"]] for item in response.get_json()["items"]]


def test_a_rep_lists_their_own_targets_and_their_teams(office):
    app, _, ids, made = office
    assert _listed(caller(app, ids["ann"]), made) == [
        ("ann", "revenue"), ("east", "revenue"), ("ann", "deals"), ("east", "deals")]
    assert _listed(caller(app, ids["wu"]), made) == [("wu", "revenue"), ("west", "revenue")]


def test_a_manager_lists_the_targets_of_the_people_below_them_and_of_teams_made_only_of_them(office):
    app, _, ids, made = office
    mia = caller(app, ids["mia"])
    # ann reports to mia, bob holds a role below hers; east is ann and bob; sales also has cy
    assert _listed(mia, made) == [("mia", "revenue"), ("ann", "revenue"), ("bob", "revenue"), ("east", "revenue"),
                                  ("ann", "deals"), ("east", "deals")]


def test_filters_narrow_what_a_manager_may_see_and_never_widen_it(office):
    app, _, ids, made = office
    mia = caller(app, ids["mia"])
    assert _listed(mia, made, kpi="deals") == [("ann", "deals"), ("east", "deals")]
    assert _listed(mia, made, period="2026-Q2") == [("ann", "deals"), ("east", "deals")]
    assert _listed(mia, made, user=str(ids["ann"]), kpi="revenue") == [("ann", "revenue")]
    assert _listed(mia, made, team="east", period="2026-Q1") == [("east", "revenue")]
    assert _listed(mia, made, user=str(ids["cy"])) == []
    assert _listed(mia, made, team="sales") == []


def test_a_performance_manager_and_an_administrator_list_every_target(office):
    app, api, _, made = office
    assert define(api, {"kind": "permission_set", "name": "planning", "manage_performance": True}).status_code == 200
    planner = caller(app, person(app, "planner", permission_sets=["planning"]))
    everything = sorted(made, key=made.get)
    assert _listed(planner, made) == everything
    assert _listed(api, made) == everything
    assert _listed(api, made, team="sales") == [("sales", "revenue")]


def test_a_bad_listing_filter_is_refused_naming_it(office):
    app, _, ids, _ = office
    rep = caller(app, ids["ann"])
    for query, code, field in (({"period": "2026-Q5"}, "invalid_period", "period"),
                               ({"user": "ann"}, "invalid_query", "user"), ({"limit": "0"}, "invalid_query", "limit")):
        response = rep.get("/api/v1/targets", query_string=query)
        assert response.status_code == 400
        assert (response.get_json()["code"], list(response.get_json()["errors"])) == (code, [field])
