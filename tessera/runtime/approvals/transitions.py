"""The transitions of an approval request, each run inside one write transaction.

``submit``, ``decide`` (approve or reject one work item), ``recall`` and ``reassign``
take the connection of the caller's transaction, the acting Context (a system Context
for timers: then ``user_id`` may be None) and the time. Each starts by claiming the
request (``state.claim``, the optimistic-locking write of its version) and ends with
``save``: the loser of a race gets a 409 and its transaction, history lines and events
included, rolls back.
"""

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from tessera.i18n import Message

from ..errors import (AlreadyDecided, AlreadyPending, ApprovalNotFound, NotAnApprover, PermissionDenied,
                      RecordInvalid, RecordNotFound)
from ..fields.values import is_record_id
from ..schema.system_tables import user
from .actions import run_actions
from .flows import choose_flow
from .item_timers import cancel_item, schedule_item
from .notices import approvers_asked
from .state import (Request, emit, flush_events, item_decided, items_added, load_request, note, round_items,
                    store_state)
from .steps import advance, enter, finish
from .tables import approval, work_item
from .timing import due_at

SAVED = ("status", "step", "round", "open", "decided_at")


def save(request):
    """Write the request's state (claimed at the start of the transition) and its events."""
    flush_events(request)
    store_state(request, **{name: request.instance[name] for name in SAVED})


def may_submit(runtime, conn, ctx, obj, row, flow):
    if ctx.user_id is None:
        return False  # a request needs a submitting user (the command line has none)
    if ctx.is_admin:
        return True
    for who in flow.doc.get("submitters", ["owner"]):
        if who == "owner" and row["owner_id"] == ctx.user_id or who == "creator" and row["created_by"] == ctx.user_id:
            return True
        if isinstance(who, dict) and who["role"] in (ctx.roles or ()):
            return True
        if who == "editors":
            try:
                runtime.access.record(conn, ctx, obj, row["id"], "edit")
                return True
            except (PermissionDenied, RecordNotFound):
                continue
    return False


def _insert_request(conn, flow, obj, record_id, ctx, now):
    values = {"flow": flow.name, "flow_version": flow.version, "object": obj.name, "record_id": record_id,
              "submitter_id": ctx.user_id, "status": "pending", "step": None, "round": 0,
              "lock": flow.doc.get("lock", "while_pending"), "open": 1, "version": 1, "submitted_at": now,
              "decided_at": None}
    try:
        with conn.begin_nested():
            new_id = conn.execute(insert(approval).returning(approval.c.id), [values]).scalar_one()
    except IntegrityError:
        raise AlreadyPending("approval.already_pending", object=obj.name, id=record_id) from None
    return {**values, "id": new_id}


def pending_request_id(conn, object_name, record_id):
    """The id of the record's pending request, or None."""
    return conn.execute(select(approval.c.id).where(approval.c.object == object_name, approval.c.record_id == record_id,
                                                    approval.c.open == 1)).scalar()


def submit(runtime, conn, ctx, object_name, record_id, flow_name, comment, now):
    """Start a request for the record with the chosen flow; return the Request.

    Raises RecordNotFound (the record cannot be read), AlreadyPending, EntryCriteriaNotMet,
    PermissionDenied (not a submitter) or ApprovalFlowInvalid."""
    model, obj = runtime.object_for(conn, object_name)
    row = dict(runtime.access.record(conn, ctx, obj, record_id))
    if pending_request_id(conn, obj.name, record_id) is not None:
        raise AlreadyPending("approval.already_pending", object=obj.name, id=record_id)
    env = runtime.eval_env(None, conn, model)
    flow = choose_flow(conn, model, obj, row, env, flow_name)
    if not may_submit(runtime, conn, ctx, obj, row, flow):
        raise PermissionDenied("approval.not_a_submitter", flow=flow.name)
    instance = _insert_request(conn, flow, obj, record_id, ctx, now)
    request = Request(runtime, conn, model, obj, flow, instance, row, ctx, now, env)
    note(request, "submitted", comment=comment)
    emit(request, "approval.submitted")
    run_actions(request, flow.doc.get("actions", {}).get("submit"), "submit")
    enter(request, 0)
    save(request)
    return request


def work_item_row(conn, item_id):
    """The work item's row as a dict; raises ApprovalNotFound."""
    row = conn.execute(select(work_item).where(work_item.c.id == item_id)).mappings().first()
    if row is None:
        raise ApprovalNotFound("approval.work_item_not_found", id=item_id)
    return dict(row)


def _is_system(actor):
    return actor.is_admin and actor.username == "system"


def _claim(request, item, status):
    """Mark the pending ``item`` of the current round ``status``; AlreadyDecided otherwise."""
    if item["status"] != "pending" or item["round"] != request.instance["round"]:
        raise AlreadyDecided("approval.already_decided", id=item["id"])
    result = request.conn.execute(update(work_item).where(work_item.c.id == item["id"], work_item.c.status == "pending")
                                  .values(status=status, decided_at=request.now))
    if result.rowcount != 1:
        raise AlreadyDecided("approval.already_decided", id=item["id"])
    item_decided(request, item["id"], status)
    cancel_item(request, item["id"])


def decide(runtime, conn, actor, item_id, verdict, comment, now, *, action=None):
    """Approve or reject (``verdict``) work item ``item_id`` as ``actor`` (its approver, or the
    system for escalations), then settle the step; return the Request. The history line says
    ``action`` (``escalated`` for a timer's decision), else the verdict."""
    item = work_item_row(conn, item_id)
    request = load_request(runtime, conn, item["instance_id"], actor, now)
    if item["approver_id"] != actor.user_id and not _is_system(actor):
        raise NotAnApprover("approval.not_your_item", id=item_id)
    return _decided(request, item, verdict, comment, action)


def decide_own(runtime, conn, ctx, instance_id, verdict, comment, now):
    """Approve or reject the caller's pending work item in the request's current step."""
    request = load_request(runtime, conn, instance_id, ctx, now)
    item = callers_item(conn, request, ctx.user_id)
    return _decided(request, item, verdict, comment)


def _decided(request, item, verdict, comment, action=None):
    _claim(request, item, verdict)
    note(request, action or verdict, comment=comment)
    if action == "escalated":
        emit(request, "approval.escalated", work_item=item["id"], decision=verdict)
    advance(request)
    save(request)
    return request


def callers_item(conn, request, user_id):
    """The caller's pending work item (a row) in the request's current round. Raises
    AlreadyDecided when they decided theirs already, NotAnApprover when they have none."""
    mine = [item for item in round_items(request) if item["approver_id"] == user_id]
    pending = [item for item in mine if item["status"] == "pending"]
    if pending:
        return pending[0]
    if mine:
        raise AlreadyDecided("approval.already_decided", id=mine[0]["id"])
    raise NotAnApprover("approval.not_an_approver", id=request.id)


def recall(runtime, conn, ctx, instance_id, comment, now):
    """The submitter (or an administrator) withdraws a pending request, if the flow allows it."""
    request = load_request(runtime, conn, instance_id, ctx, now)
    if ctx.user_id != request.submitter_id and not ctx.is_admin:
        raise PermissionDenied("approval.not_the_submitter", id=instance_id)
    if not request.flow.doc.get("allow_recall", True):
        raise PermissionDenied("approval.recall_not_allowed", flow=request.flow.name)
    note(request, "recalled", comment=comment)
    finish(request, "recalled")
    save(request)
    return request


def _active_user(conn, user_id):
    return is_record_id(user_id) and conn.execute(select(user.c.id).where(user.c.id == user_id, user.c.active.is_(True))).first()


def reassign(runtime, conn, actor, item_id, new_user, comment, now, *, instance_id=None, action="reassigned"):
    """Move pending work item ``item_id`` to ``new_user`` (by its approver, an administrator or
    the system); the new item gets a fresh due time. ``item_id`` None: the caller's own item
    of request ``instance_id`` (for an administrator, the only pending one). Return the Request."""
    if instance_id is None:
        instance_id = work_item_row(conn, item_id)["instance_id"]
    request = load_request(runtime, conn, instance_id, actor, now)
    item = work_item_row(conn, item_id if item_id is not None else _item_to_reassign(conn, request, actor))
    if item["instance_id"] != instance_id:
        raise ApprovalNotFound("approval.work_item_not_found", id=item["id"])
    if item["approver_id"] != actor.user_id and not actor.is_admin:
        raise NotAnApprover("approval.not_your_item", id=item_id)
    if not _active_user(conn, new_user) or new_user == item["approver_id"]:
        raise RecordInvalid("approval.reassign_invalid", errors={"user": [Message("approval.reassign_target")]})
    _claim(request, item, "reassigned")
    _hand_over(request, item, new_user)
    note(request, action, comment=comment)
    if action == "escalated":
        emit(request, "approval.escalated", work_item=item["id"], reassigned_to=new_user)
    advance(request)
    save(request)
    return request


def _hand_over(request, item, new_user):
    """Give ``new_user`` a pending work item like ``item`` (fresh due time and timers), unless
    they already hold one in its round."""
    holders = {i["approver_id"] for i in round_items(request) if i["status"] == "pending"}
    if new_user in holders:
        return
    step = request.flow.step(item["step"])
    due = due_at(step.get("due"), request.now)
    new_id = request.conn.execute(insert(work_item).values(
        instance_id=request.id, step=item["step"], round=item["round"], approver_id=new_user, status="pending",
        delegated_from=None, due_at=due, created_at=request.now, decided_at=None)).inserted_primary_key[0]
    items_added(request)
    schedule_item(request, new_id, step, due)
    approvers_asked(request, [new_user])


def _item_to_reassign(conn, request, actor):
    if not actor.is_admin:
        return callers_item(conn, request, actor.user_id)["id"]
    pending = [i for i in round_items(request) if i["status"] == "pending"]
    mine = [i["id"] for i in pending if i["approver_id"] == actor.user_id]
    if mine or len(pending) == 1:
        return (mine or [pending[0]["id"]])[0]
    raise RecordInvalid("approval.work_item_needed", errors={"work_item": [Message("input.required")]})
