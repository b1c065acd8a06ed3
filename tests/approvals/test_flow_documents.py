"""The approval_flow kind: saved as a draft, checked when saved and when published."""

import pytest

from tests.approvals.conftest import manager, set_stage, step
from tests.platform.support import assert_problem

URL = "/api/v1/metadata/approval_flow/discount"


def flow(**doc):
    return {"object": "quote", "steps": [step("manager", manager())], **doc}


def saved_errors(org, doc):
    return assert_problem(org.admin.put(URL, json=doc), 422)["errors"]


def published_errors(org, doc):
    assert org.admin.put(URL, json=doc).status_code == 200
    problem = assert_problem(org.admin.post("/api/v1/metadata/publish", json={}), 422)
    prefix = "approval_flow/discount:"
    assert all(path.startswith(prefix) for path in problem["errors"]), problem["errors"]
    return {path.removeprefix(prefix): messages for path, messages in problem["errors"].items()}


def test_a_flow_using_every_shape_publishes_and_reads_back(org):
    doc = flow(label={"en": "Discount", "zh-CN": "折扣"}, entry_criteria="discount > 0.15", order=2,
               submitters=["owner", "creator", "editors", {"role": "rep"}], allow_recall=True, lock="after_approval",
               steps=[step("manager", {"user": 1}, {"role": "finance"}, {"team_head": "sales"}, manager("owner", 2),
                           {"manager_up_to_role": "director"}, {"field": "reviewer"}, {"formula": "owner"},
                           criteria="amount > 1000", when_false="approve", decision={"ratio": 0.5},
                           on_reject="reject", delegation=False, due={"business_days": 2},
                           remind_every={"hours": 8}, escalate="reassign_to_manager", merge_same_approver=True,
                           actions={"approved": [set_stage("Submitted")], "rejected": [{"event": "quote.back"}]}),
                      step("finance", {"role": "finance"}, decision={"count": 2}, on_reject="back")],
               actions={"submit": [set_stage("Submitted")],
                        "final_approval": [{"create_record": {"object": "approval_note", "values": {"title": "title"}}}],
                        "final_rejection": [{"notify": {"users": [1], "roles": ["finance"], "submitter": True,
                                                        "message": {"en": "Rejected"}}}],
                        "recall": [{"event": "quote.recalled"}]})
    assert org.admin.put(URL, json=doc).status_code == 200
    published = org.admin.post("/api/v1/metadata/publish", json={})
    assert published.status_code == 200, published.get_json()
    assert org.admin.get(URL).get_json()["body"]["steps"][0]["remind_every"] == {"hours": 8}


def test_back_on_the_first_step_is_refused(org):
    errors = saved_errors(org, flow(steps=[step("manager", manager(), on_reject="back")]))
    assert list(errors) == ["steps[0].on_reject"]


def test_step_names_are_unique(org):
    errors = saved_errors(org, flow(steps=[step("manager", manager()), step("manager", manager(levels=2))]))
    assert list(errors) == ["steps[1].name"]


@pytest.mark.parametrize("decision", [{"ratio": 0}, {"ratio": 1.5}, {"count": 0}, "most"])
def test_a_quorum_out_of_range_is_refused(org, decision):
    errors = saved_errors(org, flow(steps=[step("manager", manager(), decision=decision)]))
    assert [path for path in errors if path.startswith("steps[0]")]


def test_a_flow_referring_to_an_unknown_field_is_refused_at_publish_and_changes_nothing(org):
    errors = published_errors(org, flow(actions={"final_approval": [
        {"field_update": {"field": "colour", "value": '"red"'}}]}))
    assert list(errors) == ["actions.final_approval[0].field_update.field"]
    assert org.admin.get(URL + "?state=published").status_code == 404


def test_publish_checks_each_formula_and_approver_by_path(org):
    doc = flow(entry_criteria="amount + 1", steps=[step("manager", {"field": "title"}, {"field": "nothing"},
                                                        {"formula": "title"}, criteria="nosuch > 1",
                                                        actions={"approved": [{"field_update": {
                                                            "field": "amount", "value": '"lots"'}}]})])
    errors = published_errors(org, doc)
    assert sorted(errors) == ["entry_criteria", "steps[0].actions.approved[0].field_update.value",
                              "steps[0].approvers[0].field", "steps[0].approvers[1].field",
                              "steps[0].approvers[2].formula", "steps[0].criteria"]


def test_a_flow_for_a_missing_object_is_refused(org):
    errors = published_errors(org, flow(object="invoice"))
    assert list(errors) == ["object"]
