"""Work item timers: a step's ``due`` escalates an overdue item (to the approver's manager,
or by approving or rejecting it as the flow), ``remind_every`` reminds its approver while it
is pending, and a timer that fires after the item was decided changes nothing. Time is a
FrozenClock advanced by the tests; ``runtime.timers.run_due()`` fires what is due."""

from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import select

from tessera.platform import timer_jobs
from tessera.platform.cli import main
from tessera.runtime.approvals.item_timers import DUE, REMIND, SUBJECT
from tessera.runtime.clock import FrozenClock, utc_now
from tessera.runtime.events import timers
from tests.approvals.conftest import NOW, manager, set_stage, step
from tests.conftest import REDIS_URL

#: A Friday, late afternoon.
FRIDAY = datetime(2026, 12, 4, 17, 30, tzinfo=timezone.utc)


@pytest.fixture
def clock(org):
    """The organisation's runtime on a FrozenClock standing at NOW (a Thursday, 09:00 UTC)."""
    frozen = FrozenClock(NOW.replace(tzinfo=timezone.utc))
    org.runtime.clock = frozen
    return frozen


def outbox(org, event_type):
    """The payloads of the outbox events of ``event_type``, oldest first."""
    table = org.runtime.outbox_table
    with org.runtime.read() as conn:
        rows = conn.execute(select(table.c.payload).where(table.c.event_type == event_type).order_by(table.c.id))
        return [row.payload for row in rows]


def item_timers(org, request_id, kind=None):
    """(kind, work item id, status, due time) of the request's work item timers, oldest first."""
    with org.runtime.read() as conn:
        rows = timers.find(conn, subject_type=SUBJECT, subject_id=request_id, kind=kind)
        return [(row["kind"], int(row["subject_key"]), row["status"], row["due_at"]) for row in rows]


def history(instance):
    return [(line["actor"]["name"], line["action"], line["step"]) for line in instance["history"]]


def test_an_overdue_item_goes_to_the_approvers_manager_with_a_fresh_due_time(org, clock):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 48}, escalate="reassign_to_manager")])
    request = org.submitted(org.quote())
    first = request["work_items"][0]["id"]
    assert item_timers(org, request["id"]) == [(DUE, first, "scheduled", datetime(2026, 12, 5, 9, 0))]

    clock.advance(hours=47, minutes=59)
    assert org.runtime.timers.run_due() == 0
    clock.advance(minutes=1)
    assert org.runtime.timers.run_due() == 1

    moved = org.instance(request["id"])
    assert moved["status"] == "pending" and org.pending(moved) == ["dina"]
    second = moved["work_items"][1]
    assert (moved["work_items"][0]["status"], second["due_at"]) == ("reassigned", "2026-12-07T09:00:00Z")
    assert history(moved) == [("Rita", "submitted", None), ("approval flow discount", "escalated", "manager")]
    assert org.events() == ["approval.submitted", "approval.escalated"]
    assert outbox(org, "approval.escalated")[0]["reassigned_to"] == org.ids["dina"]
    assert item_timers(org, request["id"]) == [(DUE, first, "fired", datetime(2026, 12, 5, 9, 0)),
                                               (DUE, second["id"], "scheduled", datetime(2026, 12, 7, 9, 0))]
    assert org.acted("dina", request["id"], "approve")["status"] == "approved"
    assert item_timers(org, request["id"])[1][2] == "cancelled"


@pytest.mark.parametrize("escalate, status, stage", [("approve", "approved", "Approved"),
                                                      ("reject", "rejected", "Rejected")])
def test_an_overdue_item_is_decided_by_the_flow(org, clock, escalate, status, stage):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate=escalate)],
                     actions={"final_approval": [set_stage("Approved")], "final_rejection": [set_stage("Rejected")]})
    record = org.quote()
    request = org.submitted(record)
    clock.advance(hours=4)
    assert org.runtime.timers.run_due() == 1

    done = org.instance(request["id"])
    assert (done["status"], done["work_items"][0]["status"]) == (status, status)
    assert history(done) == [("Rita", "submitted", None), ("approval flow discount", "escalated", "manager")]
    assert org.events() == ["approval.submitted", "approval.escalated",
                            *(["approval.step_approved"] if status == "approved" else []), f"approval.{status}"]
    assert outbox(org, "approval.escalated")[0]["decision"] == status
    assert org.read_quote(record)["stage"] == stage


def test_a_timer_arriving_after_the_decision_changes_nothing(org, clock):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="reject",
                                 remind_every={"hours": 1})])
    request = org.submitted(org.quote())
    item = request["work_items"][0]["id"]
    org.acted("mark", request["id"], "approve")
    assert [status for _, _, status, _ in item_timers(org, request["id"])] == ["cancelled", "cancelled"]
    with org.runtime.write() as conn:  # as if a runner had taken both before the decision committed
        for kind in (DUE, REMIND):
            org.runtime.timers.schedule(conn, kind, clock(), subject_type=SUBJECT, subject_id=request["id"],
                                        subject_key=str(item), payload={"work_item": item})
    decided, events = org.instance(request["id"]), org.events("")

    clock.advance(hours=5)
    assert org.runtime.timers.run_due() == 2

    assert org.instance(request["id"]) == decided and org.events("") == events
    assert [status for _, _, status, _ in item_timers(org, request["id"])] == ["cancelled"] * 2 + ["fired"] * 2


def test_recalling_the_request_cancels_its_timers(org, clock):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="approve",
                                 remind_every={"hours": 1})])
    request = org.submitted(org.quote())
    assert org.acted("rita", request["id"], "recall")["status"] == "recalled"
    assert [status for _, _, status, _ in item_timers(org, request["id"])] == ["cancelled", "cancelled"]
    clock.advance(hours=5)
    assert org.runtime.timers.run_due() == 0


def test_a_reassigned_item_hands_its_timers_over_to_the_new_one(org, clock):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="approve")])
    request = org.submitted(org.quote())
    clock.advance(hours=1)
    moved = org.acted("mark", request["id"], "reassign", user=org.ids["otto"])
    first, second = (item["id"] for item in moved["work_items"])
    assert item_timers(org, request["id"]) == [(DUE, first, "cancelled", datetime(2026, 12, 3, 13, 0)),
                                               (DUE, second, "scheduled", datetime(2026, 12, 3, 14, 0))]


def test_going_back_gives_the_earlier_step_fresh_timers(org, clock):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="approve"),
                            step("director", {"user": org.ids["dina"]}, on_reject="back", due={"hours": 8},
                                 escalate="reject")])
    request = org.submitted(org.quote())
    org.acted("mark", request["id"], "approve")
    clock.advance(hours=2)
    back = org.acted("dina", request["id"], "reject")
    assert back["step"] == "manager"
    items = [item["id"] for item in back["work_items"]]
    assert item_timers(org, request["id"]) == [(DUE, items[0], "cancelled", datetime(2026, 12, 3, 13, 0)),
                                               (DUE, items[1], "cancelled", datetime(2026, 12, 3, 17, 0)),
                                               (DUE, items[2], "scheduled", datetime(2026, 12, 3, 15, 0))]
    clock.advance(hours=4)
    assert org.runtime.timers.run_due() == 1
    assert org.instance(request["id"])["step"] == "director"


def test_reminders_repeat_while_the_item_is_pending_and_stop_with_the_decision(org, clock):
    org.publish_flow(steps=[step("manager", manager(), remind_every={"hours": 24})])
    request = org.submitted(org.quote())
    item = request["work_items"][0]["id"]
    for _ in range(2):
        clock.advance(hours=24)
        assert org.runtime.timers.run_due() == 1
    reminders = outbox(org, "notification.requested")
    assert [r["recipients"] for r in reminders] == [[org.ids["mark"]]] * 2
    assert reminders[0]["work_item"] == item and reminders[0]["step"] == "manager"
    assert reminders[0]["message"] == {"en": f'Reminder: quote record {request["record"]["id"]} awaits your '
                                             f'approval (step "manager")',
                                       "zh-CN": f'提醒：“quote”的记录 {request["record"]["id"]} 正在等待您审批（步骤“manager”）'}

    org.acted("mark", request["id"], "approve")
    clock.advance(hours=72)
    assert org.runtime.timers.run_due() == 0
    assert len(outbox(org, "notification.requested")) == 2
    assert [(status, due) for _, _, status, due in item_timers(org, request["id"])] == [
        ("fired", datetime(2026, 12, 4, 9, 0)), ("fired", datetime(2026, 12, 5, 9, 0)),
        ("cancelled", datetime(2026, 12, 6, 9, 0))]


def test_reminders_that_fell_behind_send_one_and_keep_a_full_interval(org, clock):
    org.publish_flow(steps=[step("manager", manager(), remind_every={"hours": 24})])
    request = org.submitted(org.quote())
    clock.advance(hours=100)
    assert org.runtime.timers.run_due() == 1
    assert len(outbox(org, "notification.requested")) == 1
    assert item_timers(org, request["id"])[-1][2:] == ("scheduled", datetime(2026, 12, 8, 13, 0))


def test_a_business_day_due_time_skips_the_weekend(org, clock):
    clock.now = FRIDAY
    org.publish_flow(steps=[step("manager", manager(), due={"business_days": 1}, escalate="approve")])
    request = org.submitted(org.quote())
    assert request["work_items"][0]["due_at"] == "2026-12-07T17:30:00Z"

    clock.advance(days=2)  # Sunday
    assert org.runtime.timers.run_due() == 0
    clock.advance(days=1, minutes=-1)  # Monday 17:29
    assert org.runtime.timers.run_due() == 0
    clock.advance(minutes=1)
    assert org.runtime.timers.run_due() == 1
    assert org.instance(request["id"])["status"] == "approved"


def test_an_approver_without_a_manager_keeps_the_item_and_the_history_says_it_was_escalated(org, clock):
    org.publish_flow(steps=[step("director", {"user": org.ids["dina"]}, due={"hours": 4},
                                 escalate="reassign_to_manager")])
    request = org.submitted(org.quote())
    clock.advance(hours=4)
    assert org.runtime.timers.run_due() == 1

    still = org.instance(request["id"])
    assert still["status"] == "pending" and org.pending(still) == ["dina"]
    assert history(still) == [("Rita", "submitted", None), ("approval flow discount", "escalated", "director")]
    assert outbox(org, "approval.escalated")[0]["reassigned_to"] is None
    assert [status for _, _, status, _ in item_timers(org, request["id"])] == ["fired"]  # not escalated again
    clock.advance(hours=100)
    assert org.runtime.timers.run_due() == 0
    assert org.acted("dina", request["id"], "approve")["status"] == "approved"


def test_an_inactive_manager_is_passed_over_for_the_next_one_up(org, clock):
    assert org.admin.patch(f"/api/v1/users/{org.ids['mark']}", json={"active": False}).status_code == 200
    org.publish_flow(steps=[step("lead", {"user": org.ids["otto"]}, due={"hours": 4},
                                 escalate="reassign_to_manager")])
    request = org.submitted(org.quote())
    clock.advance(hours=4)
    assert org.runtime.timers.run_due() == 1
    assert org.pending(org.instance(request["id"])) == ["dina"]


@pytest.mark.redis
def test_with_redis_tessera_worker_burst_escalates_through_the_rq_job(org, monkeypatch, database_url):
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from tessera.runtime.events.jobs import QUEUE_NAME

    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)
    monkeypatch.setenv("TESSERA_REDIS_URL", REDIS_URL)
    org.runtime.clock = FrozenClock(utc_now() - timedelta(hours=5))  # submitted five hours ago
    org.runtime.timers.announce = timer_jobs.RqTimerAnnouncer(REDIS_URL)
    try:
        org.publish_flow(steps=[step("manager", manager(), due={"hours": 4}, escalate="approve")])
        request = org.submitted(org.quote())
        (job_id,) = ScheduledJobRegistry(queue=Queue(QUEUE_NAME, connection=connection)).get_job_ids()

        result = CliRunner().invoke(main, ["worker", "--burst"])

        assert result.exit_code == 0, result.output
        job = Job.fetch(job_id, connection=connection)
        assert (job.get_status(), job.return_value()) == ("finished", True)  # the rq job fired it, not the poll
        done = org.instance(request["id"])
        assert done["status"] == "approved" and history(done)[-1] == ("approval flow discount", "escalated",
                                                                      "manager")
    finally:
        connection.flushdb()
        connection.close()
