"""The approval flow designer through the test client, over the demo's sales team: the flows
per object with their state, the editor showing every approver kind, decision, timer and
action a flow document allows, the published versions with the requests running on each
(the count as the API answers it), and administrators only."""

import json

import pytest
from sqlalchemy import inspect, text

from tessera.platform.demo import EXAMPLE
from tests.conftest import seeds_for
from tests.designer.conftest import SCRIPT
from tests.designer.flow_controls import flow_controls
from tests.designer.test_work_pages import Team, build_team
from tests.templates import Seed

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FLOW = "discount_approval"
VERSIONS = f"/api/v1/approvals/flows/{FLOW}/versions"
#: A draft naming every approver shape, decision mode and action the schema allows.
EVERY_KIND = {
    "kind": "approval_flow", "name": "every_kind", "object": "opportunity",
    "label": {"en": f"Every kind {SCRIPT}", "zh-CN": "所有类型"}, "description": {"en": "Kept as it is"},
    "entry_criteria": "amount > 0", "order": 3,
    "submitters": ["creator", {"role": "finance"}], "allow_recall": False, "lock": "after_approval",
    "steps": [
        {"name": "people", "approvers": [{"user": 1}, {"role": "finance"}, {"team_head": "east"},
                                         {"manager": {"of": "submitter", "levels": 2}},
                                         {"manager_up_to_role": "sales_director"}, {"field": "owner"},
                                         {"formula": "owner"}, {"resolver": {"name": "key_account_owner",
                                                                             "params": {"tier": "A"}}}],
         "decision": {"ratio": 0.5}, "due": {"business_days": 3}, "remind_every": {"hours": 12}, "escalate": "approve",
         "delegation": False, "actions": {"approved": [{"event": "opportunity.people_ok"}]}},
        {"name": "quorum", "approvers": [{"role": "sales_director"}], "decision": {"count": 1}, "on_reject": "back",
         "merge_same_approver": True},
    ],
    "actions": {"final_approval": [{"field_update": {"field": "stage", "value": "\"Won\""}},
                                   {"create_record": {"object": "account", "values": {"name": "title"}}}],
                "final_rejection": [{"notify": {"users": [1], "roles": ["finance"], "submitter": True,
                                                "message": {"en": "No", "zh-CN": "否"}}}]},
}

database_seed = seeds_for(team=Seed("designer_work_team", build_team))


@pytest.fixture
def team(app, seed_data):
    return Team(app, seed_data)


def _versions(team):
    response = team.api("admin", "GET", VERSIONS)
    assert response.status_code == 200, response.get_json()
    return {item["version"]: item for item in response.get_json()["items"]}


def _republish(team, label):
    flow = json.loads((EXAMPLE / "metadata" / f"{FLOW}.json").read_text("utf-8"))
    flow["label"] = label
    assert team.api("admin", "PUT", f"/api/v1/metadata/approval_flow/{FLOW}", json=flow).status_code == 200
    published = team.api("admin", "POST", "/api/v1/metadata/publish", json={})
    assert published.status_code == 200, published.get_json()


# -- versions and their requests -------------------------------------------------------------

def test_each_published_version_counts_its_pending_and_finished_requests(team):
    assert {v: (i["pending"], i["finished"], i["current"]) for v, i in _versions(team).items()} == {1: (2, 0, True)}
    _republish(team, {"en": "Discount approval (2)"})
    big = team.api("li.wei", "POST", f"/api/v1/objects/opportunity/records/{team.data['big']}/approval", json={})
    assert big.status_code == 201 and big.get_json()["flow"]["version"] == 2
    recalled = team.api("li.wei", "POST", f"/api/v1/approvals/{team.data['request']}/recall", json={})
    assert recalled.status_code == 200
    found = _versions(team)
    assert list(found) == [2, 1]
    assert (found[2]["pending"], found[2]["finished"], found[2]["current"]) == (1, 0, True)
    assert (found[1]["pending"], found[1]["finished"], found[1]["current"]) == (1, 1, False)
    assert found[1]["counts"] == {"pending": 1, "approved": 0, "rejected": 0, "recalled": 1}
    page = team.page("admin", f"/app/design/flows/{FLOW}")
    assert '<tr data-version="1">' in page and '<td class="num" data-count="pending">1</td>' in page


def test_a_flow_saved_but_never_published_has_no_versions_and_an_unknown_one_is_not_found(team):
    created = team.api("admin", "POST", "/api/v1/metadata/approval_flow", json=EVERY_KIND)
    assert created.status_code == 201, created.get_json()
    assert team.api("admin", "GET", "/api/v1/approvals/flows/every_kind/versions").get_json() == {"items": []}
    for unknown in ("nothing", "Not%20a%20name", "x%00y"):
        assert team.api("admin", "GET", f"/api/v1/approvals/flows/{unknown}/versions").status_code == 404
    team.page("admin", "/app/design/flows/nothing", status=404)


def test_the_versions_are_counted_from_an_index_of_flow_version_and_status(team):
    runtime = team.app.extensions["tessera"]
    with runtime.read() as conn:
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(conn).get_indexes("tessera_approval")}
        assert indexes["ix_approval_flow_version"] == ["flow", "flow_version", "status"]
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in conn.execute(text(
                "EXPLAIN QUERY PLAN SELECT flow_version, status, count(*) FROM tessera_approval "
                "WHERE flow = 'x' GROUP BY flow_version, status")))
            assert "COVERING INDEX ix_approval_flow_version" in plan


# -- who may design ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/app/design/flows", f"/app/design/flows/{FLOW}"])
def test_a_rep_gets_the_403_page_and_no_design_navigation(team, path):
    page = team.page("li.wei", path, status=403)
    assert 'id="nav-design"' not in page


def test_only_administrators_read_the_versions_through_the_api(team):
    assert team.api("li.wei", "GET", VERSIONS).status_code == 403
    assert team.api("admin", "GET", VERSIONS).status_code == 200


def test_an_anonymous_reader_is_sent_to_the_login_page(team):
    response = team.app.test_client().get(f"https://localhost/app/design/flows/{FLOW}")
    assert response.status_code == 302 and "/app/login?next=" in response.headers["Location"]


# -- the list ---------------------------------------------------------------------------------

def test_the_list_shows_the_flows_per_object_with_their_state(team):
    page = team.page("admin", "/app/design/flows")
    assert 'id="nav-design-flows" aria-current="page"' in page
    assert '<tr data-flow="discount_approval">' in page and "state-published" in page
    _republish(team, {"en": "Discount approval"})
    assert team.api("admin", "POST", "/api/v1/metadata/approval_flow", json=EVERY_KIND).status_code == 201
    flow = json.loads((EXAMPLE / "metadata" / f"{FLOW}.json").read_text("utf-8"))
    flow["order"] = 2
    assert team.api("admin", "PUT", f"/api/v1/metadata/approval_flow/{FLOW}", json=flow).status_code == 200
    page = team.page("admin", "/app/design/flows")
    assert "Draft changes" in page and "Draft, never published" in page
    assert SCRIPT not in page and ESCAPED in page


# -- the editor -------------------------------------------------------------------------------

def test_the_editor_shows_the_demo_flows_approvers_criteria_decision_and_timers(team):
    values, hidden = flow_controls(team.page("admin", f"/app/design/flows/{FLOW}"))
    assert values[((), "entry_criteria")] == "discount > 0.15" and values[((), "lock")] == "while_pending"
    manager, both = ("step", 0), ("step", 1)
    assert values[(manager + ("approver", 0), "kind")] == "manager"
    assert values[(manager + ("approver", 0), "manager.of")] == "owner"
    assert values[(manager + ("approver", 0), "manager.levels")] == "1"
    assert (values[(manager, "due.amount")], values[(manager, "due.unit")]) == ("48", "hours")
    assert (values[(manager, "remind_every.amount")], values[(manager, "remind_every.unit")]) == ("24", "hours")
    assert values[(manager, "escalate")] == "reassign_to_manager"
    assert [values[(both + ("approver", n), "role")] for n in (0, 1)] == ["sales_director", "finance"]
    assert values[(both, "criteria")] == "discount > 0.3" and values[(both, "decision.mode")] == "all"
    assert values[(both, "on_reject")] == "back" and values[(both, "remind_every.amount")] == ""
    assert values[(("final_approval", 0), "notify.submitter")] is True
    assert values[(("final_approval", 0), "notify.message.zh-CN")] == "您的折扣已获批准"
    assert (manager + ("approver", 0), "manager") not in hidden and (manager + ("approver", 0), "role") in hidden


def test_the_editor_shows_every_approver_kind_decision_timer_and_action_the_schema_allows(team):
    assert team.api("admin", "POST", "/api/v1/metadata/approval_flow", json=EVERY_KIND).status_code == 201
    page = team.page("admin", "/app/design/flows/every_kind")
    values, _ = flow_controls(page)
    step = ("step", 0)
    kinds = [values[(step + ("approver", n), "kind")] for n in range(8)]
    assert kinds == ["user", "role", "team_head", "manager", "manager_up_to_role", "field", "formula", "resolver"]
    shown = [values[(step + ("approver", n), key)] for n, key in enumerate(
        ("user", "role", "team_head", "manager.of", "manager_up_to_role", "field", "formula", "resolver.name"))]
    assert shown == ["1", "finance", "east", "submitter", "sales_director", "owner", "owner", "key_account_owner"]
    assert json.loads(values[(step + ("approver", 7), "resolver.params")]) == {"tier": "A"}
    assert (values[(step, "decision.mode")], values[(step, "decision.amount")]) == ("ratio", "0.5")
    assert (values[(step, "due.amount")], values[(step, "due.unit")]) == ("3", "business_days")
    assert values[(step, "escalate")] == "approve" and values[(step, "delegation")] is False
    assert values[(step + ("approved", 0), "event")] == "opportunity.people_ok"
    assert (values[(("step", 1), "decision.mode")], values[(("step", 1), "decision.amount")]) == ("count", "1")
    assert values[(("step", 1), "merge_same_approver")] is True
    assert values[(("final_approval", 0), "field_update.field")] == "stage"
    assert values[(("final_approval", 0), "field_update.value")] == '"Won"'
    assert json.loads(values[(("final_approval", 1), "create_record.values")]) == {"name": "title"}
    assert values[(("final_rejection", 0), "notify.roles")] == ["finance"]
    assert values[(("final_rejection", 0), "notify.users")] == ["1"]
    assert values[((), "submitters.creator")] is True and values[((), "submitters.roles")] == ["finance"]
    assert values[((), "allow_recall")] is False and values[((), "order")] == "3"
    assert SCRIPT not in page and ESCAPED in page
    assert """data-keep='{"description": {"en": "Kept as it is"}}'""" in page  # saved back unchanged


def test_formula_inputs_name_their_object_and_type_for_the_formula_editor(team):
    page = team.page("admin", f"/app/design/flows/{FLOW}")
    assert ('data-k="entry_criteria" data-formula data-formula-object="opportunity" data-formula-type="boolean"'
            in page)
    assert "/app/static/formula_editor.js" in page and "/app/static/design_flows.js" in page
