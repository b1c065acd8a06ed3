"""Moving a request through its steps: entering a step, settling it, finishing the request.

These run inside a transition's transaction on a ``state.Request`` and change
``request.instance`` in memory; the transition writes it once, guarded by the version.
"""

from sqlalchemy import insert

from .actions import run_actions
from .approvers import resolve
from .delegation import delegate_on
from .flows import matches
from .item_timers import has_timers, schedule_item
from .notices import approvers_asked, decided
from .state import all_items, close_open_items, emit, items_added, note, round_items
from .tables import work_item
from .timing import due_at, outcome

#: Work item states that take part in a step's decision.
COUNTED = ("pending", "approved", "rejected")


def _approved_last_round(request):
    previous = request.instance["round"]
    return {item["approver_id"] for item in round_items(request, previous) if item["status"] == "approved"}


def _item_row(request, index, approver, origin, merged, due):
    return {"instance_id": request.id, "step": index, "round": request.instance["round"], "approver_id": approver,
            "status": "approved" if merged else "pending", "delegated_from": origin, "due_at": due,
            "created_at": request.now, "decided_at": request.now if merged else None}


def open_step(request, index):
    """Create the work items of step ``index`` in a new round: delegation applied, approvers
    who approved the previous round counted as approving when the step merges them."""
    step = request.flow.step(index)
    merged = _approved_last_round(request) if step.get("merge_same_approver") else set()
    approvers = resolve(request.conn, step, request)
    request.instance.update(step=index, round=request.instance["round"] + 1)
    due, day, rows, seen = due_at(step.get("due"), request.now), request.now.date(), [], set()
    for approver in approvers:
        target, origin = approver, None
        if approver not in merged and step.get("delegation", True):
            delegate = delegate_on(request.conn, approver, day)
            if delegate is not None:
                target, origin = delegate, approver
        if target in seen:
            continue
        seen.add(target)
        rows.append(_item_row(request, index, target, origin, approver in merged, due))
        if origin is not None:
            note(request, "delegated", actor_id=origin)
    request.conn.execute(insert(work_item), rows)
    items_added(request)
    if step_outcome(request) is None:  # a step merged approvals decided at once asks nobody
        approvers_asked(request, [row["approver_id"] for row in rows if row["status"] == "pending"])
    if has_timers(step):
        for item in round_items(request):
            if item["status"] == "pending":
                schedule_item(request, item["id"], step, due)


def step_outcome(request):
    """"approved", "rejected" or None for the current round, under the current step's decision."""
    statuses = [item["status"] for item in round_items(request) if item["status"] in COUNTED]
    return outcome(request.flow.step(request.instance["step"]).get("decision", "first"), statuses)


def enter(request, index):
    """Go to step ``index`` or the first later step whose criteria hold; finish the request
    when none is left, or when a step whose criteria fail says ``approve``/``reject``."""
    steps = request.flow.steps
    while index < len(steps):
        step = steps[index]
        if not matches(request.model, request.obj, step.get("criteria"), request.row, request.env):
            if step.get("when_false", "skip") == "reject":
                return finish(request, "rejected")
            index += 1
            continue
        open_step(request, index)
        verdict = step_outcome(request)
        if verdict is None:
            return None
        step_approved(request)
        index += 1
    return finish(request, "approved")


def step_approved(request):
    """The current step is approved: close its open items, say so, run its ``approved`` actions."""
    close_open_items(request)
    emit(request, "approval.step_approved")
    step = request.flow.step(request.instance["step"])
    run_actions(request, step.get("actions", {}).get("approved"), "step_approved")


def previous_step(request):
    """The index of the nearest earlier step that had work items, or None."""
    current = request.instance["step"]
    steps = [item["step"] for item in all_items(request) if item["step"] < current]
    return max(steps) if steps else None


def step_rejected(request):
    """The current step is rejected: run its ``rejected`` actions, then go back one step when
    it says ``back`` (fresh work items there) or reject the request."""
    close_open_items(request)
    step = request.flow.step(request.instance["step"])
    run_actions(request, step.get("actions", {}).get("rejected"), "step_rejected")
    back = previous_step(request) if step.get("on_reject", "reject") == "back" else None
    if back is None:
        return finish(request, "rejected")
    open_step(request, back)
    if step_outcome(request) == "approved":
        step_approved(request)
        return enter(request, back + 1)
    return None


def advance(request):
    """Settle the current step after a decision: move on, go back, finish or wait."""
    verdict = step_outcome(request)
    if verdict == "approved":
        step_approved(request)
        return enter(request, request.instance["step"] + 1)
    if verdict == "rejected":
        return step_rejected(request)
    return None


FINAL_ACTIONS = {"approved": "final_approval", "rejected": "final_rejection", "recalled": "recall"}


def finish(request, status):
    """End the request as ``status``: no step, no open items, its actions and its event."""
    close_open_items(request)
    request.instance.update(status=status, step=None, open=None, decided_at=request.now)
    run_actions(request, request.flow.doc.get("actions", {}).get(FINAL_ACTIONS[status]), FINAL_ACTIONS[status])
    emit(request, f"approval.{status}")
    decided(request, status)
