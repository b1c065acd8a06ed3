"""What a record's page may offer about approvals: the newest request, and whether the
reader may submit the record, recall its request, decide it, and whether it is locked.

The answers come from the same rules the transitions apply (flows, entry criteria,
submitters, recall, work items, the lock), so a button the page shows is one the API
accepts at that moment; the API stays the authority when the two meet.
"""

from ..errors import ApprovalFlowInvalid, EntryCriteriaNotMet
from .flows import choose_flow, flows_of, has_flows
from .locking import holds_current_item, locking_request
from .serialize import instance_json, latest_for_record
from .transitions import may_submit


def _may_submit_now(runtime, conn, ctx, model, obj, row):
    if not flows_of(model, obj.name):
        return False
    try:
        flow = choose_flow(conn, model, obj, row, runtime.eval_env(None, conn, model))
    except (EntryCriteriaNotMet, ApprovalFlowInvalid):
        return False
    return may_submit(runtime, conn, ctx, obj, row, flow)


def _may_recall(ctx, instance, answer):
    if instance["status"] != "pending" or not (ctx.is_admin or ctx.user_id == instance["submitter_id"]):
        return False
    return answer.get("allow_recall", True)


def record_approval(runtime, conn, ctx, object_name, record_id):
    """``{"request", "may_submit", "may_recall", "may_decide", "locked"}`` of a record the reader may read."""
    model, obj = runtime.object_for(conn, object_name)
    row = dict(runtime.access.record(conn, ctx, obj, record_id))
    found = {"request": None, "may_submit": False, "may_recall": False, "may_decide": False, "locked": False}
    if not has_flows(model, obj.name):
        return found
    instance = latest_for_record(conn, obj.name, record_id)
    if instance is None or instance["status"] != "pending":
        found["may_submit"] = _may_submit_now(runtime, conn, ctx, model, obj, row)
    if instance is None:
        return found
    request = instance_json(conn, obj, instance)
    flow_doc = runtime.approvals.flows.get(conn, instance["flow"], instance["flow_version"]).doc
    locking = locking_request(conn, obj.name, record_id)
    found.update(request=request, may_recall=_may_recall(ctx, instance, flow_doc), locked=locking is not None,
                 may_decide=instance["status"] == "pending" and holds_current_item(
                     conn, instance["id"], instance["round"], ctx.user_id))
    return found
