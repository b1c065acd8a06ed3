"""Scheduled rules run on their cron schedule, in the organisation's time zone, through the
durable timers: publishing arms one timer per rule, each firing runs the condition over the
object's records and arms the next time; a changed or removed schedule loses its old timer."""

from datetime import datetime

import pytest

from tessera.metadata.cron import CronError, parse_cron
from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tessera.runtime.automation.schedule import SUBJECT, TIMER_KIND
from tessera.runtime.events import timers
from tests.automation.conftest import START, audit_entries, create, publish, records, rule
from tests.conftest import Api


def scheduled(rt):
    """(rule name, due time) of the scheduled automation timers."""
    with rt.read() as conn:
        rows = timers.find(conn, subject_type=SUBJECT, kind=TIMER_KIND, status=timers.SCHEDULED)
    return [(row["subject_key"], row["due_at"]) for row in rows]


def nudge(cron="0 8 * * 1-5", **extra):
    return rule("nudge", {"schedule": cron}, [{"field_update": {"fields": {"touches": "touches + 1"}}}],
                condition='stage = "Negotiation"', **extra)


def test_publishing_arms_the_next_time_and_firing_runs_over_matching_records(auto_api, rt):
    stuck = create(auto_api, title="Stuck", stage="Negotiation", touches=0)
    create(auto_api, title="Fresh", stage="Prospecting", touches=0)
    publish(auto_api, nudge())
    rt.events.dispatch()
    assert scheduled(rt) == [("nudge", datetime(2026, 12, 2, 8, 0))]  # START is Tuesday 09:00
    assert rt.timers.run_due() == 0
    rt.clock.advance(hours=23)
    assert rt.timers.run_due() == 1
    assert [(r["title"], r["touches"]) for r in records(auto_api)] == [("Stuck", "1"), ("Fresh", "0")]
    assert scheduled(rt) == [("nudge", datetime(2026, 12, 3, 8, 0))]
    [entry] = audit_entries(rt)
    assert (entry["record_id"], entry["actor_id"], entry["actor"]) == (stuck["id"], stuck["owner"], "automation nudge")


def test_a_weekend_is_skipped_and_late_timers_do_not_catch_up(auto_api, rt):
    publish(auto_api, nudge())
    rt.events.dispatch()
    rt.clock.advance(days=3, hours=23)  # Saturday 08:00: the Friday timer is late
    assert rt.timers.run_due() == 1
    assert scheduled(rt) == [("nudge", datetime(2026, 12, 7, 8, 0))]


def test_the_schedule_reads_in_the_organisations_time_zone(database_url, crm):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "TIMEZONE": "Asia/Shanghai"})
    runtime = app.extensions["tessera"]
    runtime.clock = FrozenClock(START)
    try:
        publish(Api(app.test_client(), crm["admin_token"]), nudge())
        runtime.events.dispatch()
        assert scheduled(runtime) == [("nudge", datetime(2026, 12, 2, 0, 0))]  # 08:00 in Shanghai
    finally:
        runtime.dispose()


def test_a_changed_schedule_replaces_its_timer_and_a_removed_rule_cancels_it(auto_api, rt):
    publish(auto_api, nudge())
    rt.events.dispatch()
    publish(auto_api, nudge("30 18 * * *"))
    rt.events.dispatch()
    assert scheduled(rt) == [("nudge", datetime(2026, 12, 1, 18, 30))]
    publish(auto_api, nudge("30 18 * * *", active=False))
    rt.events.dispatch()
    assert scheduled(rt) == []


@pytest.mark.parametrize("text, after, expected", [
    ("*/15 * * * *", datetime(2026, 1, 1, 10, 7), datetime(2026, 1, 1, 10, 15)),
    ("0 0 1 * *", datetime(2026, 1, 31, 12, 0), datetime(2026, 2, 1, 0, 0)),
    ("0 9 29 2 *", datetime(2026, 3, 1, 0, 0), datetime(2028, 2, 29, 9, 0)),
    ("0 9 1 * 0", datetime(2026, 3, 2, 0, 0), datetime(2026, 3, 8, 9, 0)),  # the 1st or a Sunday
    ("5,10-12 7 * * 7", datetime(2026, 3, 8, 7, 10), datetime(2026, 3, 8, 7, 11)),
])
def test_the_cron_parser_finds_the_next_time(text, after, expected):
    assert parse_cron(text).next_after(after) == expected


@pytest.mark.parametrize("text", ["* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "5-1 * * * *", "a * * * *"])
def test_a_malformed_cron_is_refused(text, auto_api):
    with pytest.raises(CronError):
        parse_cron(text)
    response = auto_api.put("/api/v1/metadata/automation/nudge", json=nudge(text))
    assert response.status_code == 422
