"""Rules that run after commit: the ``automation`` subscriber of the event dispatcher.

Each event of a record (``record.created``, ``record.updated``, ``record.deleted``) and each
final approval decision (``approval.approved``, ``approval.rejected``) is handed to the
after-commit rules that want it, one delivery per (event, rule): at least once, in order
per record, retried with backoff (``events/dispatcher.py``). A delivery runs the rule in a
transaction of its own that also writes the processed marker of (rule, event), so a
redelivered event does nothing. A chain too deep ends the delivery dead at once, with the
reason, and nothing of that link written. ``metadata.published`` events re-arm the timers
of scheduled rules (``schedule.py``), when there are any rules or timers to re-arm.
"""

import time

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from ..clock import naive_utc
from ..events.subscribers import Outcome
from ..fields.serialize import parse_cursor_value
from ..errors import InvalidQuery
from .errors import AutomationLoop
from .rule_index import rule_named, rules_for
from .runner import run_rule
from .schedule import arm_schedules, schedules_to_arm
from .tables import automation_done

KIND = "automation"
#: The target that re-arms scheduled rules after a publish (no rule name has an ``@``).
SCHEDULES = "@schedules"
DECISIONS = {"approval.approved": "approved", "approval.rejected": "rejected"}
RECORD_EVENTS = {"record.created": ("created",), "record.deleted": ("deleted",)}


def wants(rule, event):
    """Whether after-commit ``rule`` (of the event's object) wants ``event``."""
    if event.type in DECISIONS:
        return rule.trigger == "approval_decided" and rule.doc.get("decision", DECISIONS[event.type]) == \
            DECISIONS[event.type]
    if event.type == "record.updated":
        return rule.fires_on_update((event.data or {}).get("changes", {}))
    return rule.trigger in RECORD_EVENTS.get(event.type, ())


def _depth(event):
    cause = event.data.get("cause") if isinstance(event.data, dict) else None
    return (cause.get("depth", 0) if isinstance(cause, dict) else 0) + 1


def _parsed(obj, values):
    """Stored values from their JSON form (an event's payload)."""
    parsed = {}
    for name, value in values.items():
        try:
            parsed[name] = parse_cursor_value(obj.value_types[name], value) if name in obj.value_types else value
        except InvalidQuery:
            parsed[name] = value
    return parsed


def _row(conn, obj, record_id):
    row = conn.execute(select(obj.table).where(obj.table.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else None


def record_state(conn, obj, event):
    """(as the event left it, before the event, as it is now) for the record of ``event``.

    The condition reads the record as the event left it: the stored row with the values the
    event wrote (a deleted record as the event last saw it), and ``ISCHANGED`` compares with
    the values before an update. Actions act on the record as it is now (None: deleted since)."""
    if event.type == "record.deleted":
        return {**_parsed(obj, event.data.get("values", {})), "id": event.record_id}, None, None
    current = _row(conn, obj, event.record_id)
    if current is None:
        return None, None, None
    data = event.data if isinstance(event.data, dict) else {}
    if event.type != "record.updated":
        return {**current, **_parsed(obj, data.get("values", {}))}, None, current
    changes = data.get("changes", {})
    new = _parsed(obj, {name: change["new"] for name, change in changes.items()})
    old = _parsed(obj, {name: change["old"] for name, change in changes.items()})
    return {**current, **new}, {**current, **old}, current


class AfterCommitRules:
    """The dispatcher's subscriber running after-commit and approval-decided rules."""

    kind = KIND

    def targets(self, runtime, conn, events):
        """``{event id: [rule name]}`` for the rules each event triggers (and re-arming after a publish)."""
        model, named = runtime.model(conn), {}
        for event in events:
            if event.type == "metadata.published":
                if schedules_to_arm(runtime, conn):
                    named[event.id] = [SCHEDULES]
            elif event.object in model.objects:
                found = [r.name for r in rules_for(model, event.object, "after_commit") if wants(r, event)]
                if found:
                    named[event.id] = found
        return named

    def deliver(self, runtime, target, event):
        """Run rule ``target`` for ``event`` once; an Outcome (dead at once when the chain is too deep)."""
        started = time.monotonic()
        try:
            with runtime.write() as conn:
                if target == SCHEDULES:
                    arm_schedules(runtime, conn)
                else:
                    self._run(runtime, conn, target, event)
        except AutomationLoop as loop:
            return Outcome(False, duration_ms=int((time.monotonic() - started) * 1000), error=str(loop), final=True)
        return Outcome(True, duration_ms=int((time.monotonic() - started) * 1000))

    def _run(self, runtime, conn, name, event):
        model = runtime.model(conn)
        rule = rule_named(model, name)
        if rule is None or rule.timing != "after_commit" or rule.object not in model.objects:
            return  # unpublished or changed since: nothing to do
        if not _first_time(conn, name, event.id, runtime.clock()):
            return
        obj = model.objects[rule.object]
        record, prior, current = record_state(conn, obj, event)
        if record is None:
            return  # deleted since
        run_rule(runtime, conn, obj, rule, record, prior, actor_id=event.actor, depth=_depth(event),
                 event_id=event.id, is_new=event.type == "record.created", current=current)


def _first_time(conn, rule, event_id, now):
    """Write the processed marker of (rule, event); False when it exists (already handled)."""
    try:
        with conn.begin_nested():
            conn.execute(insert(automation_done).values(rule=rule, event_id=event_id, at=naive_utc(now)))
        return True
    except IntegrityError:
        return False
