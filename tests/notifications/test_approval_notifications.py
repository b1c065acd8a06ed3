"""Approvals notify: the approvers of a step when a request reaches it (and whoever a work
item is reassigned to), the submitter when it is approved or rejected, the approver a
reminder is for, and whom a flow's ``notify`` action names. All in the transition's
transaction: a transition that fails notifies nobody."""

from datetime import timezone

import pytest

from tessera.runtime.clock import FrozenClock
from tests.approvals.conftest import NOW, build_org, manager, org, step  # noqa: F401 - org is a fixture
from tests.conftest import api_seed, seeds_for

database_seed = seeds_for(org=api_seed("notifications_approvals_org", build_org))


@pytest.fixture
def clock(org):  # noqa: F811 - the org fixture
    frozen = FrozenClock(NOW.replace(tzinfo=timezone.utc))
    org.runtime.clock = frozen
    return frozen


def inbox(org, username):  # noqa: F811
    return org[username].get("/api/v1/notifications").get_json()["items"]


def kinds(org, username):  # noqa: F811
    return [(item["kind"], item["link"]["approval"]) for item in inbox(org, username)]


def two_steps(org):  # noqa: F811
    published = org.publish_flow(steps=[step("manager", manager()), step("director", manager(levels=2))])
    assert published.status_code == 200, published.get_json()


def test_the_approver_is_notified_when_a_request_reaches_their_step(org):  # noqa: F811
    two_steps(org)
    quote = org.quote()
    request = org.submitted(quote)
    [item] = inbox(org, "mark")
    assert item["kind"] == "approval.requested"
    assert item["message"] == 'Rita asks you to approve quote ' + str(quote) + ' (step "manager")'
    assert item["link"] == {"object": "quote", "record_id": quote, "approval": request["id"],
                            "url": f"/app/o/quote/{quote}"}
    assert item["actor"] == org.ids["rita"]
    assert inbox(org, "dina") == []
    org.acted("mark", request["id"], "approve")
    assert kinds(org, "dina") == [("approval.requested", request["id"])]


def test_the_submitter_is_notified_when_the_request_is_approved(org):  # noqa: F811
    two_steps(org)
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")
    assert inbox(org, "rita") == []
    org.acted("dina", request["id"], "approve")
    [item] = inbox(org, "rita")
    assert item["kind"] == "approval.approved" and item["actor"] == org.ids["dina"]
    assert item["message"].endswith("was approved")


def test_the_submitter_is_notified_in_their_locale_when_the_request_is_rejected(org):  # noqa: F811
    two_steps(org)
    assert org.admin.patch(f"/api/v1/users/{org.ids['rita']}", json={"locale": "zh-CN"}).status_code == 200
    quote = org.quote()
    request = org.submitted(quote)
    org.acted("mark", request["id"], "reject")
    [item] = inbox(org, "rita")
    assert item["kind"] == "approval.rejected" and item["message"] == f"您提交的quote {quote} 的审批申请已被驳回"


def test_a_recalled_request_notifies_nobody_of_a_decision(org):  # noqa: F811
    two_steps(org)
    request = org.submitted(org.quote())
    org.acted("rita", request["id"], "recall")
    assert inbox(org, "rita") == []


def test_whoever_a_work_item_is_reassigned_to_is_notified(org):  # noqa: F811
    two_steps(org)
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "reassign", user=org.ids["fay"])
    assert kinds(org, "fay") == [("approval.requested", request["id"])]


def test_a_failed_transition_notifies_nobody(org):  # noqa: F811
    two_steps(org)
    request = org.submitted(org.quote())
    refused = org.act("mark", request["id"], "reassign", user=999999)
    assert refused.status_code == 422
    assert len(inbox(org, "mark")) == 1 and inbox(org, "dina") == []


def test_a_reminder_notifies_the_approver_again(org, clock):  # noqa: F811
    org.publish_flow(steps=[step("manager", manager(), remind_every={"hours": 24})])
    request = org.submitted(org.quote())
    clock.advance(hours=24)
    assert org.runtime.timers.run_due() == 1
    assert kinds(org, "mark") == [("approval.reminder", request["id"]), ("approval.requested", request["id"])]
    assert inbox(org, "mark")[0]["message"].startswith("Reminder: quote")


def test_a_flow_notify_action_notifies_whom_it_names_with_the_admins_text(org):  # noqa: F811
    published = org.publish_flow(steps=[step("manager", manager())], actions={"final_approval": [
        {"notify": {"roles": ["finance"], "message": {"en": "Quote approved: invoice it", "zh-CN": "报价已批准"}}}]})
    assert published.status_code == 200, published.get_json()
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")
    for person in ("fay", "fred", "flo"):
        [item] = inbox(org, person)
        assert (item["kind"], item["message"]) == ("approval.notice", "Quote approved: invoice it")


def test_a_step_decided_at_once_by_merged_approvals_asks_nobody(org):  # noqa: F811
    published = org.publish_flow(steps=[
        step("manager", manager()),
        step("managers", manager(), {"role": "director"}, decision="first", merge_same_approver=True),
        step("finance", {"role": "finance"}, decision="first")])
    assert published.status_code == 200, published.get_json()
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")
    assert inbox(org, "dina") == [] and len(inbox(org, "mark")) == 1
    assert kinds(org, "fay") == [("approval.requested", request["id"])]
