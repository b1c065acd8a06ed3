"""What a flow does on submit, approval, rejection and recall, and per step.

Field updates and new records go through the records service on the transition's
connection, with a system context named "approval flow <name>": the record's history,
its outbox event and the audit log say the flow made the change. ``notify`` appends a
``notification.requested`` event with the resolved recipients (delivery is the
notification service's job); ``event`` appends an event of the admin's own type.
"""

from sqlalchemy import select

from ..audit import log as audit
from ..context import Context
from ..fields.serialize import to_json
from ..schema.system_tables import role, user_role
from .flows import evaluate
from .notices import action_notice
from .state import emit, flush_events

AUDIT_EVENT = "approval.action"


def flow_context(request):
    """The system context the flow's actions act as; it carries the acting user's id (the
    submitter's when the system acts) so record history keeps a user."""
    actor = request.actor_id if request.actor_id is not None else request.submitter_id
    return Context(user_id=actor, username=f"approval flow {request.flow.name}", is_admin=True)


def _field_update(request, spec, ctx):
    flush_events(request)  # the record's own event follows the flow's earlier ones
    value = evaluate(request.model, request.obj, spec["value"], request.row, request.env)
    request.runtime.records.update_in(request.conn, ctx, request.obj.name, request.instance["record_id"],
                                      {spec["field"]: to_json(value)})
    request.reload_row()


def _create_record(request, spec, ctx):
    flush_events(request)
    values = {name: to_json(evaluate(request.model, request.obj, source, request.row, request.env))
              for name, source in spec["values"].items()}
    request.runtime.records.create_in(request.conn, ctx, spec["object"], values)


def recipients(conn, spec, submitter_id):
    """The user ids a ``notify`` action reaches: its users, the holders of its roles, the submitter."""
    found = list(spec.get("users", ()))
    names = spec.get("roles", ())
    if names:
        rows = conn.execute(select(user_role.c.user_id).join(role, role.c.id == user_role.c.role_id)
                            .where(role.c.name.in_(names)))
        found.extend(row.user_id for row in rows)
    if spec.get("submitter"):
        found.append(submitter_id)
    return sorted(set(found))


def _notify(request, spec, ctx):
    found = recipients(request.conn, spec, request.submitter_id)
    emit(request, "notification.requested", recipients=found, message=spec.get("message"))
    action_notice(request, found, spec.get("message"))


def _event(request, event_type, ctx):
    emit(request, event_type)


RUNNERS = {"field_update": _field_update, "create_record": _create_record, "notify": _notify, "event": _event}


def run_actions(request, actions, when):
    """Run ``actions`` (a list of action documents) for the moment ``when``, in order, each audited."""
    if not actions:
        return
    ctx = flow_context(request)
    for action in actions:
        (kind, spec), = action.items()
        RUNNERS[kind](request, spec, ctx)
        audit.record(request.conn, AUDIT_EVENT, ctx, object_name=request.obj.name,
                     record_id=request.instance["record_id"],
                     details={"flow": request.flow.name, "approval": request.id, "when": when, "action": kind})


__all__ = ["run_actions", "flow_context", "recipients"]
