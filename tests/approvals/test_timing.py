"""Due times and step decisions as pure functions, and the system actor the timers will use."""

from datetime import datetime

import pytest

from tessera.runtime import Context
from tessera.runtime.errors import AlreadyDecided, ApprovalNotPending
from tessera.runtime.approvals.timing import NO_DUE, add_business_days, due_at, outcome
from tests.approvals.conftest import manager, step

FRIDAY = datetime(2026, 12, 4, 17, 30)


def test_business_days_skip_saturday_and_sunday():
    assert add_business_days(FRIDAY, 1) == datetime(2026, 12, 7, 17, 30)
    assert add_business_days(FRIDAY, 6) == datetime(2026, 12, 14, 17, 30)


def test_due_times_from_hours_business_days_or_none():
    assert due_at({"hours": 48}, FRIDAY) == datetime(2026, 12, 6, 17, 30)
    assert due_at({"business_days": 2}, FRIDAY) == datetime(2026, 12, 8, 17, 30)
    assert due_at(None, FRIDAY) == NO_DUE


@pytest.mark.parametrize("decision, statuses, expected", [
    ("first", ["pending", "pending"], None),
    ("first", ["rejected", "pending"], "rejected"),
    ("all", ["approved", "approved", "pending"], None),
    ("all", ["approved", "approved", "approved"], "approved"),
    ("all", ["approved", "rejected", "pending"], "rejected"),
    ({"count": 2}, ["approved", "rejected", "approved"], "approved"),
    ({"count": 2}, ["rejected", "rejected", "pending"], "rejected"),
    ({"count": 5}, ["approved", "approved"], "approved"),
    ({"ratio": 0.66}, ["approved", "pending", "pending"], None),
    ({"ratio": 0.66}, ["approved", "approved", "pending"], "approved"),
    ({"ratio": 0.5}, ["approved", "pending", "pending", "pending"], None),
    ({"ratio": 1}, ["approved", "rejected"], "rejected"),
])
def test_a_step_s_outcome(decision, statuses, expected):
    assert outcome(decision, statuses) == expected


def test_the_system_decides_a_pending_item_and_a_late_timer_changes_nothing(org):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="approve")])
    request = org.submitted(org.quote())
    item = request["work_items"][0]["id"]
    system = Context.system(None)

    org.runtime.approvals.decide_item(system, item, "approved", action="escalated")

    done = org.instance(request["id"])
    assert done["status"] == "approved"
    assert [(h["actor"]["id"], h["action"]) for h in done["history"]] == [(org.ids["rita"], "submitted"),
                                                                          (None, "escalated")]
    assert org.events() == ["approval.submitted", "approval.escalated", "approval.step_approved", "approval.approved"]
    with pytest.raises(ApprovalNotPending):
        org.runtime.approvals.decide_item(system, item, "rejected")
    assert org.instance(request["id"]) == done


def test_the_system_reassigns_an_item_and_the_old_one_is_then_decided(org):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="reassign_to_manager")])
    request = org.submitted(org.quote())
    item = request["work_items"][0]["id"]
    org.runtime.approvals.reassign_item(Context.system(None), item, org.ids["dina"])
    moved = org.instance(request["id"])
    assert org.pending(moved) == ["dina"]
    assert moved["work_items"][1]["due_at"] == "2026-12-03T13:00:00Z"
    assert moved["history"][-1]["actor"] == {"id": None, "name": "approval flow discount"}
    with pytest.raises(AlreadyDecided):
        org.runtime.approvals.decide_item(Context.system(None), item, "approved")
