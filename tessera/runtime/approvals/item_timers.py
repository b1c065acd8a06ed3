"""The durable timers of work items, scheduled and cancelled inside the transitions.

A pending work item of a step with ``due`` and ``escalate`` has a *due* timer (kind
``approval.due``) at its due time; one of a step with ``remind_every`` has a *reminder*
timer (``approval.remind``), the next one scheduled each time one fires. Both are about
the subject ``("approval", request id, str(work item id))``. The transition that decides,
closes or moves an item cancels its timers in its own transaction; the handlers
(``escalation.py``) still re-check the item, since a timer may already be firing.
"""

from contextvars import ContextVar

from ..events import timers as timer_rows
from .timing import due_at

SUBJECT = "approval"
DUE, REMIND = "approval.due", "approval.remind"

#: The id of the timer whose handler is running in this context: cancelling it from inside
#: its own handler would take its lease away, so cancellations leave it alone.
FIRING = ContextVar("approval_timer_firing", default=None)


def escalates(step):
    """True when the step's work items get a due timer (it has both ``due`` and ``escalate``)."""
    return bool(step.get("due") and step.get("escalate"))


def has_timers(step):
    """True when the step's work items get any timer."""
    return escalates(step) or bool(step.get("remind_every"))


def flow_has_timers(flow):
    """True when some step of the flow schedules timers (otherwise there is nothing to cancel)."""
    return any(has_timers(step) for step in flow.steps)


def schedule_reminder(runtime, conn, instance_id, item_id, when):
    """Schedule the next reminder of work item ``item_id`` at ``when``."""
    runtime.timers.schedule(conn, REMIND, when, subject_type=SUBJECT, subject_id=instance_id,
                            subject_key=str(item_id), payload={"work_item": item_id})


def schedule_item(request, item_id, step, due):
    """Schedule the timers of the new pending work item ``item_id`` of ``step``, due at ``due``."""
    if escalates(step):
        request.runtime.timers.schedule(request.conn, DUE, due, subject_type=SUBJECT, subject_id=request.id,
                                        subject_key=str(item_id), payload={"work_item": item_id})
    if step.get("remind_every"):
        schedule_reminder(request.runtime, request.conn, request.id, item_id,
                          due_at(step["remind_every"], request.now))


def _cancel(request, key=None):
    firing = FIRING.get()
    if firing is None:
        request.runtime.timers.cancel(request.conn, subject_type=SUBJECT, subject_id=request.id, subject_key=key)
        return
    for row in timer_rows.find(request.conn, subject_type=SUBJECT, subject_id=request.id, subject_key=key,
                               status=timer_rows.SCHEDULED):
        if row["id"] != firing:
            timer_rows.cancel_timer(request.conn, row["id"])


def cancel_item(request, item_id):
    """Cancel the scheduled timers of work item ``item_id`` (it was decided or moved)."""
    if flow_has_timers(request.flow):
        _cancel(request, str(item_id))


def cancel_all(request):
    """Cancel the scheduled timers of every work item of the request (its step or itself ended)."""
    if flow_has_timers(request.flow):
        _cancel(request)
