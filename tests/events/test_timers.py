"""Durable timers fire once when the runtime's clock reaches them, never before, never when
cancelled or rolled back; a failing handler is retried with backoff and ends dead."""

import sqlite3
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from tessera.runtime import Runtime
from tessera.runtime.clock import FrozenClock
from tessera.runtime.events import timer_runner
from tessera.runtime.events.timer_runner import TimerPolicy
from tessera.runtime.schema.system_tables import setting
from tests.events.support import fired_ids, mark_fired, timer_row

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
NAIVE_START = START.replace(tzinfo=None)


@pytest.fixture
def clock(runtime):
    """The runtime's clock, frozen at START."""
    runtime.clock = FrozenClock(START)
    return runtime.clock


@pytest.fixture
def timers(runtime, clock):
    """The runtime's timer service, firing kind ``ping`` with ``mark_fired``."""
    runtime.timers.register("ping", mark_fired)
    return runtime.timers


def schedule(runtime, due_at, kind="ping", **subject):
    with runtime.write() as conn:
        return runtime.timers.schedule(conn, kind, due_at, **subject)


def test_a_timer_fires_once_when_the_clock_reaches_its_due_time_and_never_before(runtime, clock, timers):
    timer_id = schedule(runtime, START + timedelta(hours=48), subject_type="approval_step", subject_id=7)
    assert timers.run_due() == 0
    clock.advance(hours=47, minutes=59)
    assert timers.run_due() == 0 and fired_ids(runtime) == []
    clock.advance(minutes=1)
    assert timers.run_due() == 1
    assert timers.run_due() == 0 and timers.fire(timer_id) is False
    assert fired_ids(runtime) == [timer_id]
    row = timer_row(runtime, timer_id)
    assert (row["status"], row["attempts"], row["fired_at"], row["claim_token"]) == \
        ("fired", 1, NAIVE_START + timedelta(hours=48), None)


def test_the_handler_gets_the_timer_with_its_subject_and_payload(runtime, clock, timers):
    seen = []
    timers.register("remind", lambda rt, conn, timer: seen.append((rt, timer)))
    due = START + timedelta(minutes=5)
    timer_id = schedule(runtime, due, "remind", subject_type="approval_step", subject_id=3, subject_key="manager",
                        payload={"every": {"hours": 24}})
    clock.advance(minutes=5)
    assert timers.run_due() == 1
    ((rt, timer),) = seen
    assert rt is runtime
    assert (timer.id, timer.kind, timer.subject_type, timer.subject_id, timer.subject_key, timer.payload,
            timer.due_at, timer.attempt) == (timer_id, "remind", "approval_step", 3, "manager",
                                             {"every": {"hours": 24}}, due.replace(tzinfo=None), 1)


def test_due_timers_fire_soonest_first_and_a_naive_due_time_is_utc(runtime, clock, timers):
    order = []
    timers.register("order", lambda _rt, _conn, timer: order.append(timer.payload))
    with runtime.write() as conn:
        timers.schedule(conn, "order", START + timedelta(minutes=3), payload="third")
        timers.schedule(conn, "order", NAIVE_START + timedelta(minutes=1), payload="first")
        timers.schedule(conn, "order", START.astimezone(timezone(timedelta(hours=8))) + timedelta(minutes=2),
                        payload="second")
    clock.advance(minutes=2)
    assert timers.run_due() == 2 and order == ["first", "second"]
    clock.advance(minutes=1)
    assert timers.run_due() == 1 and order == ["first", "second", "third"]


def test_a_timer_scheduled_in_a_transaction_that_rolls_back_does_not_exist(runtime, clock, timers):
    announced = []
    timers.announce = lambda timer_id, due_at: announced.append(timer_id)
    with pytest.raises(RuntimeError):
        with runtime.write() as conn:
            timer_id = timers.schedule(conn, "ping", START)
            raise RuntimeError("the transition failed")
    assert timer_row(runtime, timer_id) is None
    assert timers.run_due() == 0 and announced == []


def test_a_schedule_is_announced_only_after_its_transaction_commits(runtime, clock, timers):
    announced = []

    def announce(timer_id, due_at):
        assert timer_row(runtime, timer_id) is not None  # visible to others by now
        announced.append((timer_id, due_at))
    timers.announce = announce
    with runtime.write() as conn:
        timer_id = timers.schedule(conn, "ping", START + timedelta(minutes=1))
        assert announced == []
    assert announced == [(timer_id, START + timedelta(minutes=1))]


def test_a_failing_announcement_leaves_the_timer_scheduled_for_the_database_poll(runtime, clock, timers):
    def announce(_timer_id, _due_at):
        raise ConnectionError("Redis is down")
    timers.announce = announce
    timer_id = schedule(runtime, START)
    assert timers.run_due() == 1 and fired_ids(runtime) == [timer_id]


def test_cancelled_timers_never_fire_and_only_the_named_subject_and_kind_are_cancelled(runtime, clock, timers):
    timers.register("escalate", mark_fired)
    due = START + timedelta(hours=1)
    step_ping = schedule(runtime, due, subject_type="approval_step", subject_id=1, subject_key="manager")
    step_escalate = schedule(runtime, due, "escalate", subject_type="approval_step", subject_id=1,
                             subject_key="manager")
    other_step = schedule(runtime, due, subject_type="approval_step", subject_id=1, subject_key="finance")
    other_instance = schedule(runtime, due, subject_type="approval_step", subject_id=2, subject_key="manager")
    with runtime.write() as conn:
        assert timers.cancel(conn, subject_type="approval_step", subject_id=1, subject_key="manager",
                             kind="ping") == 1
        assert timers.cancel(conn, subject_type="approval_step", subject_id=1, subject_key="manager") == 1
        assert timers.cancel(conn, subject_type="approval_step", subject_id=1, subject_key="manager") == 0
    clock.advance(hours=1)
    assert timers.run_due() == 2
    assert fired_ids(runtime) == [other_step, other_instance]
    assert [timer_row(runtime, i)["status"] for i in (step_ping, step_escalate)] == ["cancelled", "cancelled"]
    with runtime.write() as conn:
        assert timers.cancel(conn, subject_type="approval_step", subject_id=2) == 0  # fired stays fired
    assert timer_row(runtime, other_instance)["status"] == "fired"


def test_a_failing_handler_is_retried_with_doubling_backoff_then_marked_dead(runtime, clock, timers):
    runtime.timers.policy = TimerPolicy(max_attempts=3, retry_seconds=10)
    attempts = []

    def broken(_rt, _conn, timer):
        attempts.append(timer.attempt)
        raise ValueError("the mail server refused")
    timers.register("broken", broken)
    timer_id = schedule(runtime, START, "broken")
    assert timers.run_due() == 0 and attempts == [1]
    row = timer_row(runtime, timer_id)
    assert (row["status"], row["attempts"], row["due_at"], row["last_error"], row["claim_token"]) == \
        ("scheduled", 1, NAIVE_START + timedelta(seconds=10), "ValueError: the mail server refused", None)
    clock.advance(seconds=9)
    assert timers.run_due() == 0 and attempts == [1]
    clock.advance(seconds=1)
    timers.run_due()
    assert attempts == [1, 2] and timer_row(runtime, timer_id)["due_at"] == NAIVE_START + timedelta(seconds=30)
    clock.advance(seconds=20)
    timers.run_due()
    row = timer_row(runtime, timer_id)
    assert attempts == [1, 2, 3] and (row["status"], row["attempts"]) == ("dead", 3)
    clock.advance(days=30)
    assert timers.run_due() == 0 and attempts == [1, 2, 3]


def test_the_backoff_doubles_up_to_its_ceiling():
    policy = TimerPolicy(retry_seconds=30, max_retry_seconds=3600)
    assert [policy.retry_delay(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_what_a_failing_handler_wrote_is_rolled_back_and_a_later_success_writes_it_once(runtime, clock, timers):
    def flaky(rt, conn, timer):
        conn.execute(insert(setting).values(key="direct", value=str(timer.attempt)))
        with rt.write() as joined:  # a service's own write joins the firing transaction
            joined.execute(insert(setting).values(key="through_the_runtime", value=str(timer.attempt)))
        if timer.attempt == 1:
            raise RuntimeError("first try fails")
    timers.register("flaky", flaky)
    timer_id = schedule(runtime, START, "flaky")
    timers.run_due()
    assert _settings(runtime) == {}
    clock.advance(seconds=30)
    assert timers.run_due() == 1
    assert _settings(runtime) == {"direct": "2", "through_the_runtime": "2"}
    assert timer_row(runtime, timer_id)["status"] == "fired"


def _settings(runtime):
    with runtime.read() as conn:
        return dict(conn.execute(setting.select()).all())


def test_a_timer_of_a_kind_no_handler_is_registered_for_counts_as_a_failed_attempt(runtime, clock, timers):
    timer_id = schedule(runtime, START, "nobody_handles_this")
    assert timers.run_due() == 0
    row = timer_row(runtime, timer_id)
    assert (row["status"], row["attempts"]) == ("scheduled", 1)
    assert row["last_error"] == "UnknownTimerKind: no handler is registered for timer kind 'nobody_handles_this'"


def test_a_kind_has_one_handler(runtime, timers):
    timers.register("ping", mark_fired)  # the same handler again is harmless
    with pytest.raises(ValueError, match="ping"):
        timers.register("ping", lambda *_: None)
    assert "ping" in timers.kinds()


def test_a_handler_may_schedule_the_next_timer_of_a_chain(runtime, clock, timers):
    def remind(rt, conn, timer):
        if timer.payload["left"]:
            rt.timers.schedule(conn, "remind", rt.clock() + timedelta(hours=24), subject_type="step",
                               subject_id=timer.subject_id, payload={"left": timer.payload["left"] - 1})
    timers.register("remind", remind)
    schedule(runtime, START, "remind", subject_type="step", subject_id=9, payload={"left": 2})
    fired = []
    for _ in range(4):
        fired.append(timers.run_due())
        clock.advance(hours=24)
    assert fired == [1, 1, 1, 0]


def test_a_timer_claimed_by_a_runner_that_died_fires_once_its_lease_has_expired(runtime, clock, timers):
    timer_id = schedule(runtime, START)
    with runtime.write() as conn:  # a runner claims it and dies before firing it
        _, claimed = timer_runner.claim(conn, NAIVE_START, timers.policy)
    assert claimed == [timer_id]
    assert timers.run_due() == 0
    clock.advance(seconds=timers.policy.lease_seconds)
    assert timers.run_due() == 1 and fired_ids(runtime) == [timer_id]


def test_inside_a_request_scope_a_schedule_is_announced_when_the_outermost_write_commits(runtime, clock, timers):
    announced = []
    timers.announce = lambda timer_id, _due_at: announced.append(timer_id)
    with runtime.request_scope():
        with runtime.write():
            with runtime.write() as joined:  # a service's write inside the operation's
                timer_id = timers.schedule(joined, "ping", START)
            assert announced == []
        assert announced == [timer_id]
        with pytest.raises(RuntimeError), runtime.write() as conn:
            timers.schedule(conn, "ping", START)
            raise RuntimeError("rolled back")
    assert announced == [timer_id]
    assert timers.run_due() == 1 and fired_ids(runtime) == [timer_id]


def test_a_poll_with_nothing_due_takes_no_write_lock(tmp_path):
    path = tmp_path / "busy.db"
    runtime = Runtime(f"sqlite:///{path}")
    runtime.create_schema()
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long publish holds SQLite's one write lock
        started = time.monotonic()
        assert runtime.timers.run_due() == 0
        assert time.monotonic() - started < 1  # not the 10 s a writer would wait
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        runtime.dispose()


def test_formulas_read_today_and_now_from_the_runtimes_clock(runtime, clock):
    clock.advance(hours=20)  # 2026-12-02 05:00 UTC
    env = runtime.eval_env()
    assert (env.today.isoformat(), env.now) == ("2026-12-02", NAIVE_START + timedelta(hours=20))
    runtime.timezone = "America/New_York"
    assert runtime.eval_env().today.isoformat() == "2026-12-02"
    clock.advance(hours=-6)  # 23:00 UTC on the 1st, 18:00 in New York
    assert runtime.eval_env().today.isoformat() == "2026-12-01"


def test_a_clock_giving_naive_utc_times_is_read_as_utc_whatever_the_machines_zone(runtime, timers, monkeypatch):
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        runtime.clock = lambda: NAIVE_START + timedelta(hours=14)  # 23:00 UTC, still the 1st
        assert runtime.eval_env().today.isoformat() == "2026-12-01"
        timer_id = schedule(runtime, START + timedelta(hours=14))
        assert timers.run_due() == 1
        assert timer_row(runtime, timer_id)["fired_at"] == NAIVE_START + timedelta(hours=14)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_kind_registered_with_its_own_policy_is_retried_by_it(runtime, clock, timers):
    def broken(_rt, _conn, _timer):
        raise ValueError("receiver answered 500")
    timers.register("webhook", broken, policy=TimerPolicy(max_attempts=2, retry_seconds=1))
    timers.register("other", broken)
    webhook, other = schedule(runtime, START, "webhook"), schedule(runtime, START, "other")
    timers.run_due()
    assert [timer_row(runtime, i)["due_at"] for i in (webhook, other)] == \
        [NAIVE_START + timedelta(seconds=1), NAIVE_START + timedelta(seconds=30)]
    clock.advance(seconds=1)
    timers.run_due()
    assert [timer_row(runtime, i)["status"] for i in (webhook, other)] == ["dead", "scheduled"]
