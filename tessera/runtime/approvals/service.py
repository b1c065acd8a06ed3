"""ApprovalService: what routes, the CLI and timers call; each call is one transaction."""

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from tessera.i18n import Message

from ..clock import naive_utc
from ..errors import ApprovalNotFound, RecordInvalid, RecordNotFound
from ..fields.values import is_record_id
from ..access.admin import require_admin
from . import delegation, escalation, idempotency, notices, transitions
from .flow_versions import flow_versions
from .flows import PinnedFlows
from .inbox import inbox_page, pending_count
from .locking import record_lock_guard
from .record_view import record_approval
from .serialize import instance_json, latest_for_record
from .state import instance_row
from .tables import work_item


def _comment(body):
    comment = body.get("comment")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 4000):
        raise RecordInvalid("approval.comment_shape", errors={"comment": [Message("approval.comment_text")]})
    return comment


def _only(body, allowed):
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise RecordInvalid("approval.body_unknown", errors={k: [Message("input.unknown")] for k in unknown})


class ApprovalService:
    """Submit, decide, recall and reassign approval requests; read them, the inbox and delegations.

    Time comes from ``runtime.clock`` (tests freeze it). Writes accept an optional
    idempotency key: the same key from the same user answers the first answer again.
    """

    def __init__(self, runtime):
        self.runtime = runtime
        #: The flow versions requests run on, read once per process.
        self.flows = PinnedFlows()
        runtime.records.write_guards.append(record_lock_guard(runtime))
        escalation.register(runtime)
        runtime.notifications.register_kinds(*notices.KINDS)

    def _now(self):
        """The runtime clock's time as naive UTC, the form stored datetimes take."""
        return naive_utc(self.runtime.clock())

    def _once(self, ctx, key, route, work):
        idempotency.check_key(key)
        try:
            with self.runtime.write() as conn:
                if key is not None:
                    answer = idempotency.stored_answer(conn, ctx.user_id, key, route)
                    if answer is not None:
                        return answer
                answer = self._answer(conn, ctx, work(conn, self._now()))
                if key is not None:
                    idempotency.remember(conn, ctx.user_id, key, route, answer, self._now())
                return answer
        except IntegrityError:
            if key is None:
                raise
            with self.runtime.read() as conn:  # the same key won a race: answer what it answered
                answer = idempotency.stored_answer(conn, ctx.user_id, key, route)
            if answer is None:
                raise
            return answer

    @staticmethod
    def _answer(conn, ctx, request):
        return instance_json(conn, request.obj, request.instance, request.flow, record=request.row,
                             items=request.items)

    # -- transitions -----------------------------------------------------------------

    def submit(self, ctx, object_name, record_id, body, *, key=None):
        """Submit the record (``{"comment", "flow"}``); answer the new request."""
        _only(body, ("comment", "flow"))
        comment, flow = _comment(body), body.get("flow")
        if flow is not None and not isinstance(flow, str):
            raise RecordInvalid("approval.body_invalid", errors={"flow": [Message("approval.flow_name")]})
        return self._once(ctx, key, f"submit:{object_name}:{record_id}", lambda conn, now: transitions.submit(
            self.runtime, conn, ctx, object_name, record_id, flow, comment, now))

    def _decide(self, ctx, instance_id, body, verdict, key):
        _only(body, ("comment",))
        comment = _comment(body)
        return self._once(ctx, key, f"{verdict}:{instance_id}", lambda conn, now: transitions.decide_own(
            self.runtime, conn, ctx, instance_id, verdict, comment, now))

    def approve(self, ctx, instance_id, body, *, key=None):
        """Approve the caller's pending work item of the request's current step; answer the request."""
        return self._decide(ctx, instance_id, body, "approved", key)

    def reject(self, ctx, instance_id, body, *, key=None):
        """Reject the caller's pending work item of the request's current step; answer the request."""
        return self._decide(ctx, instance_id, body, "rejected", key)

    def recall(self, ctx, instance_id, body, *, key=None):
        """The submitter withdraws the pending request; answer it."""
        _only(body, ("comment",))
        comment = _comment(body)
        return self._once(ctx, key, f"recall:{instance_id}", lambda conn, now: transitions.recall(
            self.runtime, conn, ctx, instance_id, comment, now))

    def reassign(self, ctx, instance_id, body, *, key=None):
        """Move a pending work item (the caller's, or ``work_item`` for an administrator) to ``user``."""
        _only(body, ("user", "comment", "work_item"))
        comment = _comment(body)
        item_id = body.get("work_item") if ctx.is_admin else None
        if item_id is not None and not is_record_id(item_id):
            raise RecordInvalid("approval.body_invalid", errors={"work_item": [Message("input.integer")]})
        return self._once(ctx, key, f"reassign:{instance_id}", lambda conn, now: transitions.reassign(
            self.runtime, conn, ctx, item_id, body.get("user"), comment, now, instance_id=instance_id))

    def decide_item(self, actor, item_id, verdict, comment=None, *, action=None):
        """Approve or reject work item ``item_id`` as ``actor`` (a system Context for escalations,
        with ``action="escalated"`` as its history line); return the request id."""
        with self.runtime.write() as conn:
            return transitions.decide(self.runtime, conn, actor, item_id, verdict, comment, self._now(),
                                      action=action).id

    def reassign_item(self, actor, item_id, user_id, comment=None, *, action="reassigned"):
        """Move work item ``item_id`` to ``user_id`` as ``actor`` (a system Context for escalations,
        with ``action="escalated"``); return the request id."""
        with self.runtime.write() as conn:
            return transitions.reassign(self.runtime, conn, actor, item_id, user_id, comment, self._now(),
                                        action=action).id

    # -- reading ---------------------------------------------------------------------

    def _readable(self, conn, ctx, instance):
        _, obj = self.runtime.object_for(conn, instance["object"])
        if ctx.user_id == instance["submitter_id"] or ctx.is_admin:
            return obj
        try:
            self.runtime.access.record(conn, ctx, obj, instance["record_id"])
        except RecordNotFound:
            if not self._took_part(conn, ctx, instance["id"]):
                raise ApprovalNotFound("approval.not_found", id=instance["id"]) from None
        return obj

    @staticmethod
    def _took_part(conn, ctx, instance_id):
        query = select(work_item.c.id).where(work_item.c.instance_id == instance_id, or_(
            work_item.c.approver_id == ctx.user_id, work_item.c.delegated_from == ctx.user_id))
        return conn.execute(query.limit(1)).first() is not None

    def get(self, ctx, instance_id):
        """The request with its steps, work items and history; for those who may read the
        record, the submitter and the request's approvers."""
        with self.runtime.read() as conn:
            instance = instance_row(conn, instance_id)
            return instance_json(conn, self._readable(conn, ctx, instance), instance)

    def for_record(self, ctx, object_name, record_id):
        """The record's newest request; ApprovalNotFound when it never had one."""
        with self.runtime.read() as conn:
            _, obj = self.runtime.object_for(conn, object_name)
            self.runtime.access.record(conn, ctx, obj, record_id)
            instance = latest_for_record(conn, obj.name, record_id)
            if instance is None:
                raise ApprovalNotFound("approval.none_for_record", object=obj.name, id=record_id)
            return instance_json(conn, obj, instance)

    def record_state(self, ctx, object_name, record_id):
        """What a record's page offers: ``{"request", "may_submit", "may_recall", "may_decide", "locked"}``."""
        with self.runtime.read() as conn:
            return record_approval(self.runtime, conn, ctx, object_name, record_id)

    def inbox(self, ctx, *, sort=None, cursor=None, limit=None):
        """The caller's pending work items: {"items", "next_cursor"}."""
        with self.runtime.read() as conn:
            return inbox_page(self.runtime, conn, ctx.user_id, sort=sort, cursor=cursor, limit=limit)

    def inbox_count(self, ctx, *, at_most=99):
        """How many pending work items the caller holds (``at_most + 1`` meaning "more")."""
        if ctx.user_id is None:
            return 0
        with self.runtime.read() as conn:
            return pending_count(conn, ctx.user_id, at_most)

    def flow_versions(self, ctx, flow_name):
        """The published versions of flow ``flow_name``, newest first, with how many requests are
        pending and finished on each (administrators; see flow_versions.flow_versions)."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            return flow_versions(conn, flow_name)

    # -- delegation ------------------------------------------------------------------

    def delegation(self, ctx):
        """The caller's delegation ``{"delegate", "from", "to"}``, or None."""
        with self.runtime.read() as conn:
            return delegation.delegation_json(delegation.current(conn, ctx.user_id))

    def delegate(self, ctx, body):
        """Set the caller's delegation; answer it."""
        with self.runtime.write() as conn:
            delegate, starts, ends = delegation.parse_delegation(conn, ctx.user_id, body)
            delegation.replace(conn, ctx.user_id, delegate, starts, ends, self._now())
            return delegation.delegation_json(delegation.current(conn, ctx.user_id))

    def end_delegation(self, ctx):
        """End the caller's delegation; True when there was one."""
        with self.runtime.write() as conn:
            return delegation.end(conn, ctx.user_id)

