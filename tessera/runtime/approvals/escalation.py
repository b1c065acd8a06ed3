"""What the work item timers do when they fire: escalate an overdue item, remind its approver.

Each handler runs in the timer's write transaction and first re-checks that the work item
is still pending in its request's current round: a timer that fires after its item was
decided, moved or closed (or its request ended) does nothing. Escalations act as the
system (history: "approval flow <name>", action ``escalated``, event ``approval.escalated``):

- ``approve`` / ``reject``: the item is decided so, and the step settles as usual;
- ``reassign_to_manager``: the item goes to the approver's nearest active manager, with a
  fresh due time (and timers); with no such manager it stays where it is, the history says
  ``escalated`` and the event names no one (``reassigned_to`` null); it is not escalated again.
"""

import logging

from sqlalchemy import select

from tessera.i18n import LOCALES, Message

from ..clock import naive_utc
from ..context import Context
from ..events.outbox import append_event
from ..schema.system_tables import user
from . import transitions
from .approvers import MAX_CHAIN
from .item_timers import DUE, FIRING, REMIND, schedule_reminder
from .notices import reminded
from .state import emit, flush_events, instance_row, load_request, note
from .tables import work_item
from .timing import due_at

log = logging.getLogger(__name__)

VERDICTS = {"approve": "approved", "reject": "rejected"}


def register(runtime):
    """Let ``runtime.timers`` fire the work item timers."""
    runtime.timers.register(DUE, fire_due)
    runtime.timers.register(REMIND, fire_reminder)


def _still_pending(conn, timer):
    """(item, request) rows while the timer's work item is pending in its request's current
    round and the request is pending; else None."""
    item = conn.execute(select(work_item).where(work_item.c.id == (timer.payload or {}).get("work_item"))
                        ).mappings().first()
    if item is None or item["status"] != "pending":
        return None
    instance = instance_row(conn, item["instance_id"])
    if instance["status"] != "pending" or instance["round"] != item["round"]:
        return None
    return dict(item), instance


def _manager_above(conn, user_id):
    """The nearest active manager up ``user_id``'s chain, or None."""
    current = user_id
    for _ in range(MAX_CHAIN):
        row = conn.execute(select(user.c.manager_id).where(user.c.id == current)).first()
        if row is None or row.manager_id is None or row.manager_id == user_id:
            return None
        current = row.manager_id
        if conn.execute(select(user.c.active).where(user.c.id == current)).scalar():
            return current
    return None


def fire_due(runtime, conn, timer):
    """The due timer: run the step's ``escalate`` on the item, if it is still pending."""
    found = _still_pending(conn, timer)
    if found is None:
        log.info("approval due timer %s: its work item is no longer pending", timer.id)
        return
    item, instance = found
    flow = runtime.approvals.flows.get(conn, instance["flow"], instance["flow_version"])
    how = flow.step(item["step"]).get("escalate")
    now, system = naive_utc(runtime.clock()), Context.system(None)
    firing = FIRING.set(timer.id)
    try:
        if how in VERDICTS:
            transitions.decide(runtime, conn, system, item["id"], VERDICTS[how], None, now, action="escalated")
        elif how == "reassign_to_manager":
            _to_manager(runtime, conn, system, item, now)
    finally:
        FIRING.reset(firing)


def _to_manager(runtime, conn, system, item, now):
    manager = _manager_above(conn, item["approver_id"])
    if manager is not None:
        transitions.reassign(runtime, conn, system, item["id"], manager, None, now, action="escalated")
        return
    log.warning("approval work item %s is overdue and its approver %s has no active manager",
                item["id"], item["approver_id"])
    request = load_request(runtime, conn, item["instance_id"], system, now)
    note(request, "escalated", step=request.step_name(item["step"]))
    emit(request, "approval.escalated", work_item=item["id"], reassigned_to=None)
    flush_events(request)


def reminder_message(instance, step_name):
    """The reminder's text in every locale: {"en": ..., "zh-CN": ...}."""
    message = Message("approval.reminder", object=instance["object"], id=instance["record_id"], step=step_name)
    return {locale: message.render(locale) for locale in LOCALES}


def fire_reminder(runtime, conn, timer):
    """The reminder timer: ask the item's approver again (a ``notification.requested`` event)
    and schedule the next reminder, if the item is still pending."""
    found = _still_pending(conn, timer)
    if found is None:
        return
    item, instance = found
    flow = runtime.approvals.flows.get(conn, instance["flow"], instance["flow_version"])
    step, now = flow.step(item["step"]), naive_utc(runtime.clock())
    body = {"approval": instance["id"], "flow": flow.name, "flow_version": flow.version, "status": "pending",
            "step": step["name"], "recipients": [item["approver_id"]], "work_item": item["id"],
            "message": reminder_message(instance, step["name"])}
    append_event(conn, "notification.requested", instance["object"], instance["record_id"], body, None, now)
    reminded(runtime, conn, instance, runtime.object_for(conn, instance["object"])[1], item["approver_id"], step["name"])
    if step.get("remind_every"):
        following = due_at(step["remind_every"], timer.due_at)
        if following <= now:  # the reminders fell behind (no worker ran): one now, the next a full interval on
            following = due_at(step["remind_every"], now)
        schedule_reminder(runtime, conn, instance["id"], item["id"], following)
