"""The record lock, and bad input answered with its problem code and nothing changed."""

import pytest

from tests.approvals.conftest import manager, role, step
from tests.platform.support import assert_problem


def snapshot(org, instance_id):
    """Everything an approval transition could change: the request, the record, the events."""
    instance = org.instance(instance_id)
    return instance, org.read_quote(instance["record"]["id"]), org.events("")


def test_a_locked_record_is_refused_to_the_rep_and_allowed_to_the_approver(org):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote(amount="100.00")
    org.submitted(quote)
    url = f"/api/v1/objects/quote/records/{quote}"

    assert_problem(org["rita"].patch(url, json={"amount": "90.00"}), 409, "record_locked")
    assert_problem(org["rita"].delete(url), 409, "record_locked")
    assert_problem(org["otto"].patch(url, json={"amount": "90.00"}), 409, "record_locked")
    assert org.read_quote(quote)["amount"] == "100.00"

    assert org["mark"].patch(url, json={"amount": "95.00"}).status_code == 200
    assert org.admin.patch(url, json={"amount": "96.00"}).status_code == 200


def test_the_lock_ends_with_the_request_unless_it_holds_after_approval(org):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote()
    org.acted("mark", org.submitted(quote)["id"], "approve")
    assert org["rita"].patch(f"/api/v1/objects/quote/records/{quote}", json={"amount": "1"}).status_code == 200

    org.publish_flow(steps=[step("manager", manager())], lock="after_approval")
    kept = org.quote()
    org.acted("mark", org.submitted(kept)["id"], "approve")
    assert_problem(org["mark"].patch(f"/api/v1/objects/quote/records/{kept}", json={"amount": "1"}), 409,
                   "record_locked")


def test_a_flow_without_a_lock_leaves_the_record_editable(org):
    org.publish_flow(steps=[step("manager", manager())], lock="none")
    quote = org.quote()
    org.submitted(quote)
    assert org["rita"].patch(f"/api/v1/objects/quote/records/{quote}", json={"amount": "1"}).status_code == 200


def test_approving_an_item_that_is_not_yours_changes_nothing(org):
    org.publish_flow(steps=[step("manager", manager())])
    request = org.submitted(org.quote())
    before = snapshot(org, request["id"])
    assert_problem(org.act("otto", request["id"], "approve"), 403, "not_an_approver")
    assert_problem(org.act("fay", request["id"], "reject"), 403, "not_an_approver")
    assert snapshot(org, request["id"]) == before


def test_approving_twice_answers_already_decided_and_changes_nothing(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision="all")])
    request = org.submitted(org.quote())
    org.acted("fay", request["id"], "approve")
    before = snapshot(org, request["id"])
    assert_problem(org.act("fay", request["id"], "approve"), 409, "already_decided")
    assert_problem(org.act("fay", request["id"], "reject"), 409, "already_decided")
    assert snapshot(org, request["id"]) == before


def test_deciding_a_finished_request_answers_not_pending(org):
    org.publish_flow(steps=[step("manager", manager())])
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")
    before = snapshot(org, request["id"])
    assert_problem(org.act("mark", request["id"], "approve"), 409, "approval_not_pending")
    assert_problem(org.act("rita", request["id"], "recall"), 409, "approval_not_pending")
    assert snapshot(org, request["id"]) == before


def test_a_record_failing_the_entry_criteria_is_not_submitted(org):
    org.publish_flow(steps=[step("manager", manager())], entry_criteria="discount > 0.15")
    quote = org.quote(discount="0.05")
    events = org.events("")
    assert_problem(org.submit(quote), 422, "entry_criteria_not_met")
    assert org.admin.get(f"/api/v1/objects/quote/records/{quote}/approval").status_code == 404
    assert org.events("") == events


def test_submitting_while_pending_answers_already_pending(org):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote()
    request = org.submitted(quote)
    before = snapshot(org, request["id"])
    assert_problem(org.submit(quote), 409, "already_pending")
    assert snapshot(org, request["id"]) == before
    assert org.admin.get(f"/api/v1/objects/quote/records/{quote}/approval").get_json()["id"] == request["id"]


def test_only_submitters_the_flow_names_may_submit(org):
    org.publish_flow(steps=[step("manager", manager())], submitters=["owner"])
    quote = org.quote("rita")
    assert_problem(org.submit(quote, "otto"), 403, "permission_denied")
    org.publish_flow(steps=[step("manager", manager())], submitters=["editors"])
    assert org.submit(quote, "otto").status_code == 201


def test_a_flow_naming_an_unknown_role_is_refused_at_submit(org):
    org.publish_flow(steps=[step("nobody", role("ghosts"))])
    quote = org.quote()
    problem = assert_problem(org.submit(quote), 422, "approval_flow_invalid")
    assert "ghosts" in problem["detail"]
    assert org.admin.get(f"/api/v1/objects/quote/records/{quote}/approval").status_code == 404


@pytest.mark.parametrize("body", [{"comment": 5}, {"flow": ["x"]}, {"whatever": 1}])
def test_a_malformed_submission_is_refused(org, body):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote()
    assert_problem(org.submit(quote, **body), 422, "validation_failed")
    assert org.admin.get(f"/api/v1/objects/quote/records/{quote}/approval").status_code == 404


def test_a_request_is_hidden_from_those_who_may_not_read_the_record(org):
    org.admin.put("/api/v1/metadata/object/quote", json={**org.admin.get(
        "/api/v1/metadata/object/quote").get_json()["body"], "sharing": "private"})
    assert org.admin.post("/api/v1/metadata/publish", json={}).status_code == 200
    org.publish_flow(steps=[step("finance", {"user": org.ids["fay"]})])
    request = org.submitted(org.quote())
    assert_problem(org["otto"].get(f"/api/v1/approvals/{request['id']}"), 404, "not_found")
    assert org["fay"].get(f"/api/v1/approvals/{request['id']}").status_code == 200
    assert org["rita"].get(f"/api/v1/approvals/{request['id']}").status_code == 200


def test_a_role_named_as_submitter_may_submit_others_records(org):
    org.publish_flow(steps=[step("director", manager(levels=2))], submitters=[{"role": "rep"}])
    quote = org.quote("rita")
    assert_problem(org.submit(quote, "mark"), 403, "permission_denied")
    assert org.submit(quote, "otto").status_code == 201


def test_a_locked_record_cannot_be_given_away(org):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote()
    org.submitted(quote)
    transfer = org["rita"].post(f"/api/v1/objects/quote/records/{quote}/transfer", json={"owner": org.ids["otto"]})
    assert_problem(transfer, 409, "record_locked")
    assert org.read_quote(quote)["owner"] == org.ids["rita"]
