"""How steps decide: first answer, unanimous, quorum, criteria, going back, manager chains."""

from tests.approvals.conftest import manager, role, set_stage, step


def test_single_step_approval_updates_the_record_through_the_flow(org):
    published = org.publish_flow(steps=[step("manager", manager())],
                                 actions={"submit": [set_stage("Submitted")], "final_approval": [set_stage("Approved")]})
    assert published.status_code == 200, published.get_json()
    quote = org.quote(stage="Draft")
    request = org.submitted(quote, comment="please")
    assert (request["status"], request["step"], org.pending(request)) == ("pending", "manager", ["mark"])
    assert org.read_quote(quote)["stage"] == "Submitted"

    done = org.acted("mark", request["id"], "approve", comment="fine")

    assert (done["status"], done["step"], done["flow"]) == ("approved", None, {"name": "discount", "version": 1})
    assert [(h["actor"]["name"], h["action"], h["step"], h["comment"]) for h in done["history"]] == [
        ("Rita", "submitted", None, "please"), ("Mark", "approved", "manager", "fine")]
    assert org.read_quote(quote)["stage"] == "Approved"
    assert org.events() == ["approval.submitted", "approval.step_approved", "approval.approved"]


def test_the_flow_s_field_update_is_recorded_as_the_flow_in_the_audit_log(org):
    org.publish_flow(steps=[step("manager", manager())], actions={"final_approval": [set_stage("Approved")]})
    quote = org.quote()
    org.acted("mark", org.submitted(quote)["id"], "approve")
    entries = org.admin.get("/api/v1/audit?event=approval.action").get_json()["items"]
    assert [(e["actor"], e["record_id"], e["details"]["when"]) for e in entries] == [
        ("approval flow discount", quote, "final_approval")]


def test_a_rejected_step_going_back_returns_to_the_previous_step(org):
    org.publish_flow(steps=[step("manager", manager()), step("director", manager(levels=2), on_reject="back")])
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")

    back = org.acted("dina", request["id"], "reject", comment="too cheap")

    assert (back["status"], back["step"], org.pending(back)) == ("pending", "manager", ["mark"])
    again = org.acted("mark", request["id"], "approve")
    assert (again["step"], org.pending(again)) == ("director", ["dina"])
    assert org.acted("dina", request["id"], "approve")["status"] == "approved"


def test_a_unanimous_parallel_step_is_rejected_by_one_rejection(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision="all")],
                     actions={"final_rejection": [set_stage("Rejected")]})
    quote = org.quote()
    request = org.submitted(quote)
    assert org.pending(request) == ["fay", "flo", "fred"]
    assert org.acted("fay", request["id"], "approve")["status"] == "pending"

    done = org.acted("fred", request["id"], "reject")

    assert done["status"] == "rejected"
    assert sorted((org.name_of(i["approver"]["id"]), i["status"]) for i in done["work_items"]) == [
        ("fay", "approved"), ("flo", "closed"), ("fred", "rejected")]
    assert org.read_quote(quote)["stage"] == "Rejected"


def test_a_unanimous_step_needs_every_approver(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision="all")])
    request = org.submitted(org.quote())
    org.acted("fay", request["id"], "approve")
    assert org.acted("fred", request["id"], "approve")["status"] == "pending"
    assert org.acted("flo", request["id"], "approve")["status"] == "approved"


def test_two_of_three_approve_a_quorum_step(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision={"count": 2})])
    request = org.submitted(org.quote())
    org.acted("fay", request["id"], "reject")
    assert org.acted("fred", request["id"], "approve")["status"] == "pending"

    done = org.acted("flo", request["id"], "approve")

    assert done["status"] == "approved"


def test_a_ratio_quorum_is_rejected_once_it_cannot_be_reached(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision={"ratio": 0.66})])
    request = org.submitted(org.quote())
    assert org.acted("fay", request["id"], "reject")["status"] == "pending"
    assert org.acted("fred", request["id"], "reject")["status"] == "rejected"


def test_a_step_whose_criteria_are_false_is_skipped(org):
    org.publish_flow(steps=[step("manager", manager(), criteria="discount > 0.15"),
                            step("finance", {"user": org.ids["fay"]})])
    request = org.submitted(org.quote(discount="0.10"))
    assert (request["step"], org.pending(request)) == ("finance", ["fay"])
    big = org.submitted(org.quote(discount="0.20"))
    assert big["step"] == "manager"


def test_a_step_whose_criteria_are_false_may_approve_or_reject_the_request(org):
    org.publish_flow(steps=[step("manager", manager(), criteria="discount > 0.15", when_false="approve")])
    assert org.submitted(org.quote(discount="0.10"))["status"] == "approved"
    org.publish_flow(steps=[step("manager", manager(), criteria="discount > 0.15", when_false="reject")])
    assert org.submitted(org.quote(discount="0.10"))["status"] == "rejected"


def test_manager_chain_approvers_two_levels_up(org):
    org.publish_flow(steps=[step("director", manager(levels=2))])
    request = org.submitted(org.quote())
    assert org.pending(request) == ["dina"]


def test_the_nearest_manager_holding_a_role_approves(org):
    org.publish_flow(steps=[step("director", {"manager_up_to_role": "director"}),
                            step("boss", {"manager_up_to_role": "manager"})])
    request = org.submitted(org.quote())
    assert org.pending(request) == ["dina"]
    assert org.pending(org.acted("dina", request["id"], "approve")) == ["mark"]


def test_user_field_formula_and_team_head_approvers(org):
    org.publish_flow(steps=[step("reviewer", {"field": "reviewer"}),
                            step("formula", {"formula": "IF(discount > 0.5, reviewer, owner)"}),
                            step("head", {"team_head": "sales"})])
    request = org.submitted(org.quote(reviewer=org.ids["fay"], discount="0.1"))
    assert org.pending(request) == ["fay"]
    assert org.pending(org.acted("fay", request["id"], "approve")) == ["rita"]
    assert org.pending(org.acted("rita", request["id"], "approve")) == ["dina"]


def test_an_approver_of_the_previous_step_is_not_asked_again_when_steps_merge(org):
    org.publish_flow(steps=[step("manager", manager()),
                            step("managers", manager(), role("director"), decision="all", merge_same_approver=True)])
    request = org.submitted(org.quote())
    after = org.acted("mark", request["id"], "approve")
    assert (after["step"], org.pending(after)) == ("managers", ["dina"])
    assert org.acted("dina", request["id"], "approve")["status"] == "approved"


def test_per_step_actions_and_a_created_record(org):
    org.publish_flow(steps=[step("manager", manager(), actions={"approved": [set_stage("Submitted")]})],
                     actions={"final_approval": [{"create_record": {"object": "approval_note", "values": {
                         "title": '"approved: " & title', "quote": "id"}}}]})
    quote = org.quote(title="Big deal")
    request = org.submitted(quote)
    org.acted("mark", request["id"], "approve")
    assert org.read_quote(quote)["stage"] == "Submitted"
    notes = org.admin.get("/api/v1/objects/approval_note/records").get_json()["items"]
    assert [(n["title"], n["quote"]) for n in notes] == [("approved: Big deal", quote)]


def test_notify_and_event_actions_append_outbox_events(org):
    org.publish_flow(steps=[step("manager", manager())],
                     actions={"final_approval": [{"notify": {"roles": ["finance"], "submitter": True}},
                                                 {"event": "quote.discount_approved"}]})
    org.acted("mark", org.submitted(org.quote())["id"], "approve")
    from sqlalchemy import select
    table = org.runtime.outbox_table
    with org.runtime.read() as conn:
        rows = conn.execute(select(table.c.event_type, table.c.payload).order_by(table.c.id)).all()
    notice = next(payload for kind, payload in rows if kind == "notification.requested")
    assert notice["recipients"] == sorted([org.ids["fay"], org.ids["fred"], org.ids["flo"], org.ids["rita"]])
    assert "quote.discount_approved" in [kind for kind, _ in rows]


def test_a_formula_giving_a_number_names_the_approver_by_id(org):
    org.publish_flow(steps=[step("numbered", {"formula": f"{org.ids['fred']} + 0"})])
    assert org.pending(org.submitted(org.quote())) == ["fred"]
