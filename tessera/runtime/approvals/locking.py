"""The record lock of approval flows, asked by the records service before each change.

``while_pending`` locks a record while its request is pending; ``after_approval`` also
keeps it locked once approved; ``none`` never locks. A locked record may still be
changed by administrators (the flow's own actions act as one) and by the approvers
holding a pending work item of the request's current step. Objects that no published
flow concerns are never looked up.
"""

from sqlalchemy import and_, or_, select

from ..errors import RecordLocked
from .flows import has_flows
from .tables import approval, work_item


def locking_request(conn, object_name, record_id):
    """The row of the request that locks the record now, or None."""
    query = select(approval.c.id, approval.c.round).where(
        approval.c.object == object_name, approval.c.record_id == record_id,
        or_(and_(approval.c.status == "pending", approval.c.lock != "none"),
            and_(approval.c.status == "approved", approval.c.lock == "after_approval")))
    return conn.execute(query.order_by(approval.c.id.desc()).limit(1)).first()


def holds_current_item(conn, instance_id, round_number, user_id):
    """Whether ``user_id`` has a pending work item in the request's current round."""
    query = select(work_item.c.id).where(
        work_item.c.instance_id == instance_id, work_item.c.round == round_number,
        work_item.c.approver_id == user_id, work_item.c.status == "pending")
    return conn.execute(query.limit(1)).first() is not None


def record_lock_guard(runtime):
    """The records service guard refusing changes to locked records (RecordLocked, 409)."""
    def guard(conn, ctx, obj, current):
        if ctx.is_admin or not has_flows(runtime.model(conn), obj.name):
            return
        locking = locking_request(conn, obj.name, current["id"])
        if locking is None or holds_current_item(conn, locking.id, locking.round, ctx.user_id):
            return
        raise RecordLocked("approval.record_locked", object=obj.name, id=current["id"])
    return guard
