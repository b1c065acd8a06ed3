"""Delegation while out of office, recall by the submitter, reassignment of a work item."""

from tests.approvals.conftest import manager, set_stage, step
from tests.platform.support import assert_problem

DELEGATION = "/api/v1/users/me/delegation"


def test_new_work_items_go_to_the_delegate_during_an_absence(org):
    org.publish_flow(steps=[step("manager", manager())])
    before = org.submitted(org.quote())  # created before the absence: stays with mark
    answer = org["mark"].put(DELEGATION, json={"delegate": org.ids["dina"], "from": "2026-12-01", "to": "2026-12-14"})
    assert answer.status_code == 200
    assert answer.get_json() == {"delegate": org.ids["dina"], "from": "2026-12-01", "to": "2026-12-14"}

    during = org.submitted(org.quote())

    item = during["work_items"][0]
    assert (org.name_of(item["approver"]["id"]), item["delegated_from"]["id"]) == ("dina", org.ids["mark"])
    assert [(h["actor"]["name"], h["action"]) for h in during["history"]] == [("Rita", "submitted"),
                                                                             ("Mark", "delegated")]
    assert org.pending(org.instance(before["id"])) == ["mark"]
    assert org.acted("dina", during["id"], "approve")["status"] == "approved"
    assert_problem(org.act("mark", during["id"], "approve"), 409, "approval_not_pending")


def test_a_delegation_outside_its_days_or_ended_changes_nothing(org):
    org.publish_flow(steps=[step("manager", manager())])
    org["mark"].put(DELEGATION, json={"delegate": org.ids["dina"], "from": "2026-12-10", "to": "2026-12-14"})
    assert org.pending(org.submitted(org.quote())) == ["mark"]
    org["mark"].put(DELEGATION, json={"delegate": org.ids["dina"], "from": "2026-12-01", "to": "2026-12-14"})
    assert org["mark"].delete(DELEGATION).status_code == 204
    assert org["mark"].get(DELEGATION).get_json() is None
    assert org.pending(org.submitted(org.quote())) == ["mark"]


def test_a_step_without_delegation_keeps_its_approver(org):
    org.publish_flow(steps=[step("manager", manager(), delegation=False)])
    org["mark"].put(DELEGATION, json={"delegate": org.ids["dina"], "from": "2026-12-01", "to": "2026-12-14"})
    assert org.pending(org.submitted(org.quote())) == ["mark"]


def test_a_bad_delegation_is_refused_field_by_field(org):
    body = {"delegate": org.ids["mark"], "from": "2026-12-14", "to": "2026-12-01", "extra": 1}
    problem = assert_problem(org["mark"].put(DELEGATION, json=body), 422, "validation_failed")
    assert sorted(problem["errors"]) == ["delegate", "extra", "to"]
    assert org["mark"].get(DELEGATION).get_json() is None


def test_the_submitter_recalls_a_pending_request(org):
    org.publish_flow(steps=[step("manager", manager())], actions={"recall": [set_stage("Draft")]})
    quote = org.quote(stage="Submitted")
    request = org.submitted(quote)
    assert_problem(org.act("otto", request["id"], "recall"), 403, "permission_denied")

    recalled = org.acted("rita", request["id"], "recall", comment="wrong price")

    assert (recalled["status"], recalled["step"], org.pending(recalled)) == ("recalled", None, [])
    assert recalled["history"][-1]["action"] == "recalled"
    assert org.read_quote(quote)["stage"] == "Draft"
    assert org.events()[-1] == "approval.recalled"
    assert_problem(org.act("mark", request["id"], "approve"), 409, "approval_not_pending")
    assert org.submit(quote).status_code == 201  # a recalled record may be submitted again


def test_a_flow_may_forbid_recalls(org):
    org.publish_flow(steps=[step("manager", manager())], allow_recall=False)
    request = org.submitted(org.quote())
    assert_problem(org.act("rita", request["id"], "recall"), 403, "permission_denied")
    assert org.instance(request["id"])["status"] == "pending"


def test_the_approver_reassigns_their_work_item(org):
    org.publish_flow(steps=[step("manager", manager())])
    request = org.submitted(org.quote())
    moved = org.acted("mark", request["id"], "reassign", user=org.ids["dina"], comment="on leave")
    assert org.pending(moved) == ["dina"]
    assert moved["history"][-1]["action"] == "reassigned"
    assert_problem(org.act("mark", request["id"], "approve"), 409, "already_decided")
    assert org.acted("dina", request["id"], "approve")["status"] == "approved"


def test_only_the_approver_or_an_administrator_reassigns(org):
    org.publish_flow(steps=[step("manager", manager())])
    request = org.submitted(org.quote())
    assert_problem(org.act("otto", request["id"], "reassign", user=org.ids["otto"]), 403, "not_an_approver")
    moved = org.admin.post(f"/api/v1/approvals/{request['id']}/reassign", json={"user": org.ids["fay"]})
    assert moved.status_code == 200
    assert org.pending(moved.get_json()) == ["fay"]
