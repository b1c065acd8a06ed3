"""Scheduled rules: a durable timer per rule fires at each time its cron schedule names.

The schedule reads in the organisation's time zone. Publishing re-arms the timers (the
``metadata.published`` event reaches ``arm_schedules`` through the dispatcher): a new or
changed schedule gets a timer for its next time, a removed one loses its timer. When a
timer fires, the rule's condition runs over every record of its object (oldest first,
in batches) and its actions run on each record that meets it, as the record's owner,
all in the timer's transaction; then the next time is scheduled. A timer that fires late
runs once and schedules the next time after now: missed times are not caught up.
"""

from datetime import timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tessera.metadata.cron import parse_cron

from ..clock import naive_utc
from ..events import timers
from .rule_index import all_rules, rule_named
from .runner import run_rule

TIMER_KIND = "automation.schedule"
SUBJECT = "automation"
#: Records read at a time while a scheduled rule runs over its object.
BATCH = 500


def _cron(rule):
    return rule.doc["trigger"]["schedule"]


def next_time(runtime, cron_text, after):
    """The next time (aware UTC) after ``after`` named by ``cron_text`` in the organisation's time zone."""
    zone = ZoneInfo(runtime.timezone)
    local = after.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)
    found = parse_cron(cron_text).next_after(local)
    return None if found is None else found.replace(tzinfo=zone).astimezone(timezone.utc)


def _schedule(runtime, conn, name, cron_text):
    due = next_time(runtime, cron_text, naive_utc(runtime.clock()))
    if due is not None:
        runtime.timers.schedule(conn, TIMER_KIND, due, subject_type=SUBJECT, subject_key=name,
                                payload={"cron": cron_text})


def schedules_to_arm(runtime, conn):
    """Whether the published model has scheduled rules, or timers of scheduled rules are waiting."""
    if any(r.trigger == "schedule" for r in all_rules(runtime.model(conn))):
        return True
    return bool(timers.find(conn, subject_type=SUBJECT, kind=TIMER_KIND, status=timers.SCHEDULED))


def arm_schedules(runtime, conn):
    """Give each published scheduled rule one timer for its schedule; cancel the others."""
    wanted = {r.name: _cron(r) for r in all_rules(runtime.model(conn)) if r.trigger == "schedule"}
    armed = set()
    for row in timers.find(conn, subject_type=SUBJECT, kind=TIMER_KIND, status=timers.SCHEDULED):
        name, cron_text = row["subject_key"], (row["payload"] or {}).get("cron")
        if wanted.get(name) == cron_text and name not in armed:
            armed.add(name)
        else:
            timers.cancel_timer(conn, row["id"])
    for name, cron_text in wanted.items():
        if name not in armed:
            _schedule(runtime, conn, name, cron_text)


def fire_schedule(runtime, conn, timer):
    """The timer handler: run the rule over its object's records, then schedule its next time."""
    model = runtime.model(conn)
    rule = rule_named(model, timer.subject_key)
    if rule is None or rule.trigger != "schedule" or _cron(rule) != (timer.payload or {}).get("cron"):
        return  # unpublished or rescheduled since; publishing armed its new timer
    obj = model.objects.get(rule.object)
    after = 0
    while obj is not None:
        rows = conn.execute(select(obj.table).where(obj.table.c.id > after).order_by(obj.table.c.id)
                            .limit(BATCH)).mappings().all()
        for row in rows:
            run_rule(runtime, conn, obj, rule, dict(row), None, actor_id=row["owner_id"], depth=1)
        if len(rows) < BATCH:
            break
        after = rows[-1]["id"]
    _schedule(runtime, conn, rule.name, _cron(rule))
