"""Users, teams and roles as administrators manage them."""

import pytest

from tests.platform.support import assert_problem


def test_teams_and_roles_form_trees_readable_by_everyone(org):
    teams = {t["name"]: t["parent"] for t in org["alice"].get("/api/v1/teams").get_json()["items"]}
    assert teams == {"sales": None, "east": "sales", "west": "sales"}
    assert org["alice"].get("/api/v1/roles/east_rep").get_json()["parent"] == "east_manager"


@pytest.mark.parametrize("kind", ["teams", "roles"])
def test_a_unit_cannot_be_moved_below_itself(org, kind):
    top = "sales" if kind == "teams" else "vp"
    leaf = "east" if kind == "teams" else "east_rep"
    assert_problem(org.admin.patch(f"/api/v1/{kind}/{top}", json={"parent": leaf}), 409, "directory_conflict")
    assert_problem(org.admin.patch(f"/api/v1/{kind}/{top}", json={"parent": top}), 409, "directory_conflict")


@pytest.mark.parametrize("kind", ["teams", "roles"])
def test_unit_names_with_sql_metacharacters_or_bad_shapes_are_refused(org, kind):
    for name in ("x'; DROP TABLE tessera_user;--", "Upper", "", "select", None, "a" * 64):
        assert_problem(org.admin.post(f"/api/v1/{kind}", json={"name": name}), 422, "validation_failed")
    assert_problem(org.admin.post(f"/api/v1/{kind}", json={"name": "ok", "parent": "missing"}), 404)
    names = {u["name"] for u in org.admin.get(f"/api/v1/{kind}").get_json()["items"]}
    assert names == ({"sales", "east", "west"} if kind == "teams" else
                     {"vp", "east_manager", "east_rep", "west_manager", "west_rep"})
    assert org.admin.get("/api/v1/users/me").get_json()["username"] == "admin"


def test_a_unit_with_sub_units_cannot_be_deleted_but_a_leaf_can(org):
    assert_problem(org.admin.delete("/api/v1/roles/east_manager"), 409, "directory_conflict")
    assert org.admin.delete("/api/v1/roles/east_rep").status_code == 204
    assert_problem(org.admin.get("/api/v1/roles/east_rep"), 404)
    assert org.admin.get(f"/api/v1/users/{org.ids['alice']}").get_json()["roles"] == []
    assert org.admin.delete("/api/v1/teams/east").status_code == 204
    assert_problem(org.admin.get("/api/v1/teams/east"), 404)
    assert org.admin.get(f"/api/v1/users/{org.ids['alice']}").get_json()["team"] is None


def test_a_taken_name_is_a_conflict(org):
    assert_problem(org.admin.post("/api/v1/roles", json={"name": "vp"}), 409, "directory_conflict")
    assert_problem(org.admin.post("/api/v1/users", json={"username": "alice"}), 422, "validation_failed")


def test_a_users_profile_shows_their_assignments(org):
    org.admin.patch(f"/api/v1/users/{org.ids['alice']}", json={"manager": org.ids["carol"]})
    alice = org.admin.get(f"/api/v1/users/{org.ids['alice']}").get_json()
    assert (alice["team"], alice["roles"], alice["manager"], alice["permission_sets"]) == (
        "east", ["east_rep"], org.ids["carol"], ["sales_rep"])
    assert "password_hash" not in alice and "password" not in alice


def test_a_manager_chain_cannot_loop(org):
    org.admin.patch(f"/api/v1/users/{org.ids['alice']}", json={"manager": org.ids["carol"]})
    looped = org.admin.patch(f"/api/v1/users/{org.ids['carol']}", json={"manager": org.ids["alice"]})
    assert_problem(looped, 409, "directory_conflict")


def test_assignments_must_name_things_that_exist(org):
    user = f"/api/v1/users/{org.ids['bob']}"
    for body in ({"roles": ["nope"]}, {"team": "nope"}):
        assert_problem(org.admin.patch(user, json=body), 404)
    for body in ({"permission_sets": ["unpublished"]}, {"manager": 99999}, {"roles": "vp"}, {"is_admin": "yes"},
                 {"locale": "fr"}, {"email": "not an email"}, {"username": "renamed"}):
        assert_problem(org.admin.patch(user, json=body), 422, "validation_failed")
    assert org.admin.get(user).get_json()["roles"] == ["east_rep"]


def test_display_names_keep_sql_metacharacters_verbatim(org):
    name = "O'Brien \"; DROP TABLE tessera_user; --"
    made = org.admin.post("/api/v1/users", json={"username": "obrien", "display_name": name})
    assert made.status_code == 201 and made.get_json()["display_name"] == name
    assert org.admin.get(made.headers["Location"]).get_json()["display_name"] == name


def test_a_user_reads_only_their_own_profile(org):
    own = org["alice"].get(f"/api/v1/users/{org.ids['alice']}")
    assert own.status_code == 200 and own.get_json()["username"] == "alice"
    assert_problem(org["alice"].get(f"/api/v1/users/{org.ids['bob']}"), 403)
    assert_problem(org["alice"].get("/api/v1/users"), 403)


def test_users_are_listed_a_page_at_a_time(org):
    page = org.admin.get("/api/v1/users").get_json()
    assert [u["username"] for u in page["items"]][:2] == ["admin", "vera"]
    assert page["next_cursor"] is None
    after = org.admin.get("/api/v1/users", query_string={"cursor": str(org.ids["dave"])}).get_json()["items"]
    assert [u["username"] for u in after] == ["wendy"]


def test_an_administrator_cannot_lock_themselves_out(org):
    me = org.ids["admin"]
    assert_problem(org.admin.patch(f"/api/v1/users/{me}", json={"is_admin": False}), 403)
    assert_problem(org.admin.delete(f"/api/v1/users/{me}"), 403)


def test_a_permission_set_with_the_admin_right_makes_its_holders_administrators(org):
    from tests.helpers import define

    define(org.admin, {"kind": "permission_set", "name": "admins", "is_admin": True})
    org.admin.patch(f"/api/v1/users/{org.ids['dave']}", json={"permission_sets": ["admins"]})
    dave = org.client_for("dave")
    audit = dave.get("/api/v1/audit")
    assert audit.status_code == 200 and audit.get_json()["items"]
    assert dave.get("/api/v1/users/me").get_json()["permissions"]["is_admin"] is True
