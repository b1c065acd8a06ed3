"""The runtime Context of a user carries what formulas and sharing need."""

from tessera.runtime.identity.principal import context_for_user
from tests.identity.conftest import url


def context_of(org, username):
    rt = org.runtime
    with rt.read() as conn:
        return context_for_user(conn, rt.model(conn), org.ids[username])


def test_a_users_context_names_their_team_roles_and_manager(org):
    org.admin.patch(f"/api/v1/users/{org.ids['alice']}", json={"manager": org.ids["carol"]})
    ctx = context_of(org, "alice")
    assert (ctx.username, ctx.team, ctx.roles, ctx.manager_id, ctx.is_admin) == (
        "alice", "east", ("east_rep",), org.ids["carol"], False)
    assert ctx.permission_sets == ("sales_rep",)


def test_a_managers_reach_covers_the_roles_below_and_the_teams_above(org):
    ctx = context_of(org, "carol")
    assert ctx.reach.covered_role_names == {"east_manager", "east_rep"}
    assert ctx.reach.team_names == {"east", "sales"}


def test_the_runtime_enforces_sharing_for_any_caller_not_only_http(org):
    org.create("bob", title="bob deal")
    rt = org.runtime
    assert rt.records.list(context_of(org, "alice"), "opportunity")["items"] == []
    assert [i["title"] for i in rt.records.list(context_of(org, "carol"), "opportunity")["items"]] == ["bob deal"]


def test_user_formulas_see_the_acting_users_team(org):
    org.create("alice", title="east deal", notes="east")
    org.create("alice", title="other deal", notes="west")
    mine = org["alice"].get(url(), query_string={"filter": "notes = $user.team"})
    assert [i["title"] for i in mine.get_json()["items"]] == ["east deal"]
