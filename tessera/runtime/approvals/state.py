"""One approval request as a transition sees it, and the writes every transition shares.

A transition reads the request's row with its ``version``; its first write is
``claim``, ``UPDATE ... SET version = :v + 1 WHERE id = :id AND version = :v``. When
another transition of the same request committed in between, no row matches and the
loser's whole transaction rolls back with ``stale_approval``.
"""

from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from ..errors import ApprovalNotFound, ApprovalNotPending, StaleApproval
from ..events.outbox import append_events, event_row
from .item_timers import cancel_all
from .tables import approval, history, work_item


@dataclass
class Request:
    """A pending or finished request with what its transitions need: the database
    connection, the model, the object, the pinned flow, the record row, who acts and when."""

    runtime: object
    conn: object
    model: object
    obj: object
    flow: object
    instance: dict
    row: dict
    actor: object
    now: object
    env: object = None
    #: The request's work item rows, oldest first, read once per transition and kept in step with
    #: its writes (None: not read yet, or items were added since).
    items: list | None = None
    #: The round whose pending items this transition closed already (closing twice changes nothing).
    closed_round: int | None = None
    #: Outbox rows emitted and not yet written (``flush_events``: before a record write, at ``save``).
    events: list = field(default_factory=list)

    @property
    def id(self):
        """The request's id."""
        return self.instance["id"]

    @property
    def submitter_id(self):
        """Who submitted the request."""
        return self.instance["submitter_id"]

    @property
    def actor_id(self):
        """The acting user's id (None when the system acts)."""
        return getattr(self.actor, "user_id", None)

    def step_name(self, index=None):
        """The name of step ``index`` (the current step by default), or None."""
        index = self.instance["step"] if index is None else index
        return None if index is None else self.flow.step(index)["name"]

    def reload_row(self):
        """Read the record again (after an action changed it)."""
        self.row = dict(self.conn.execute(self.obj.select_by_id, {"record_id": self.instance["record_id"]})
                        .mappings().one())


def instance_row(conn, instance_id):
    """The request's row as a dict; raises ApprovalNotFound."""
    row = conn.execute(select(approval).where(approval.c.id == instance_id)).mappings().first()
    if row is None:
        raise ApprovalNotFound("approval.not_found", id=instance_id)
    return dict(row)


def load_request(runtime, conn, instance_id, actor, now, *, pending=True):
    """The Request of ``instance_id``; with ``pending`` raises ApprovalNotPending unless it is
    pending, then claims it for the caller's transition (StaleApproval when another won)."""
    instance = instance_row(conn, instance_id)
    if pending and instance["status"] != "pending":
        raise ApprovalNotPending("approval.not_pending", id=instance_id, status=instance["status"])
    model, obj = runtime.object_for(conn, instance["object"])
    row = conn.execute(obj.select_by_id, {"record_id": instance["record_id"]}).mappings().first()
    if row is None:
        raise ApprovalNotFound("approval.not_found", id=instance_id)
    flow = runtime.approvals.flows.get(conn, instance["flow"], instance["flow_version"])
    request = Request(runtime, conn, model, obj, flow, instance, dict(row), actor, now,
                      runtime.eval_env(None, conn, model))
    if pending:
        claim(request)
    return request


def claim(request):
    """Take the request for this transition: move its version on if nobody else did since it
    was read, else raise StaleApproval. Done first, it also makes concurrent transitions of
    one request wait for each other on its row instead of deadlocking on its work items."""
    current = request.instance["version"]
    result = request.conn.execute(
        update(approval).where(approval.c.id == request.id, approval.c.version == current)
        .values(version=current + 1))
    if result.rowcount != 1:
        raise StaleApproval("approval.stale", id=request.id)
    request.instance["version"] = current + 1


def store_state(request, **values):
    """Write ``values`` to the request row claimed by this transition."""
    request.conn.execute(update(approval).where(approval.c.id == request.id).values(**values))
    request.instance.update(values)


def note(request, action, *, actor_id=None, step=None, comment=None):
    """Append one history line (actor: the acting user unless ``actor_id`` is given)."""
    request.conn.execute(insert(history).values(
        instance_id=request.id, actor_id=request.actor_id if actor_id is None else actor_id, action=action,
        step=step if step is not None else request.step_name(), comment=comment, at=request.now))


def emit(request, event_type, **payload):
    """Add an outbox event about the request to the transition's events (written together by
    ``flush_events``, in the transition's transaction)."""
    body = {"approval": request.id, "flow": request.flow.name, "flow_version": request.flow.version,
            "status": request.instance["status"], "step": request.step_name(), **payload}
    request.events.append(event_row(event_type, request.obj.name, request.instance["record_id"], body,
                                    request.actor_id, request.now))


def flush_events(request):
    """Write the events emitted so far, in the order emitted (one statement)."""
    if request.events:
        append_events(request.conn, request.events)
        request.events = []


def all_items(request):
    """Every work item row of the request, oldest first; read once per transition (its writes keep
    the rows current through ``item_decided``, ``close_open_items`` and ``items_added``)."""
    if request.items is None:
        query = select(work_item).where(work_item.c.instance_id == request.id).order_by(work_item.c.id)
        request.items = [dict(row) for row in request.conn.execute(query).mappings()]
    return request.items


def round_items(request, round_number=None):
    """The work item rows of one round (the current one by default), oldest first."""
    number = request.instance["round"] if round_number is None else round_number
    return [row for row in all_items(request) if row["round"] == number]


def item_decided(request, item_id, status):
    """Note in the rows read that work item ``item_id`` became ``status`` at the transition's time."""
    for row in request.items or ():
        if row["id"] == item_id:
            row.update(status=status, decided_at=request.now)


def items_added(request):
    """Forget the rows read: work items were added."""
    request.items = None


def close_open_items(request):
    """Close the current round's pending work items (the step was decided without them) and
    cancel the request's work item timers; once per round and transition."""
    number = request.instance["round"]
    if request.closed_round == number:
        return
    cancel_all(request)
    request.conn.execute(update(work_item).where(
        work_item.c.instance_id == request.id, work_item.c.round == number,
        work_item.c.status == "pending").values(status="closed", decided_at=request.now))
    for row in request.items or ():
        if row["round"] == number and row["status"] == "pending":
            row.update(status="closed", decided_at=request.now)
    request.closed_round = number
