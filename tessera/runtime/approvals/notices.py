"""Who an approval request notifies, through ``runtime.notifications.notify`` in the
transition's transaction: the approvers a step (or a reassignment) asks, the submitter
when the request is approved or rejected, the approver a reminder is for, and the people
a flow's ``notify`` action names."""

from sqlalchemy import select

from tessera.i18n import Message, Translated

from ..schema.system_tables import user

#: The kinds of notification approvals send (users choose channels per kind).
KINDS = ("approval.requested", "approval.reminder", "approval.approved", "approval.rejected", "approval.notice")


def object_label(obj):
    """The object's label in every locale it has one, as a Translated text."""
    return Translated(obj.doc.get("label") or {"en": obj.name}, obj.name)


def _link(obj_name, record_id, request_id):
    return {"object": obj_name, "record_id": record_id, "approval": request_id}


def _name(conn, user_id):
    found = conn.execute(select(user.c.display_name).where(user.c.id == user_id)).scalar() if user_id else None
    return found or "-"


def approvers_asked(request, approver_ids):
    """Tell ``approver_ids`` that the request waits for their decision at its current step."""
    if not approver_ids:
        return
    message = Message("notification.approval.requested", submitter=_name(request.conn, request.submitter_id),
                      object=object_label(request.obj), id=request.instance["record_id"], step=request.step_name())
    request.runtime.notifications.notify(request.conn, approver_ids, "approval.requested", message,
                                         _link(request.obj.name, request.instance["record_id"], request.id),
                                         actor_id=request.actor_id)


def decided(request, status):
    """Tell the submitter their request was approved or rejected (not when they recalled it)."""
    if status not in ("approved", "rejected"):
        return
    message = Message(f"notification.approval.{status}", object=object_label(request.obj),
                      id=request.instance["record_id"], flow=request.flow.name)
    request.runtime.notifications.notify(request.conn, [request.submitter_id], f"approval.{status}", message,
                                         _link(request.obj.name, request.instance["record_id"], request.id),
                                         actor_id=request.actor_id)


def reminded(runtime, conn, instance, obj, approver_id, step_name):
    """Remind ``approver_id`` that the request still waits for them."""
    message = Message("notification.approval.reminder", object=object_label(obj), id=instance["record_id"],
                      step=step_name)
    runtime.notifications.notify(conn, [approver_id], "approval.reminder", message,
                                 _link(obj.name, instance["record_id"], instance["id"]))


def action_notice(request, recipient_ids, text):
    """A flow's ``notify`` action: the administrator's text (else a standard one) to ``recipient_ids``."""
    message = Translated(text) if isinstance(text, dict) and text else Message(
        "notification.approval.notice", object=object_label(request.obj), id=request.instance["record_id"],
        flow=request.flow.name, status=request.instance["status"])
    request.runtime.notifications.notify(request.conn, recipient_ids, "approval.notice", message,
                                         _link(request.obj.name, request.instance["record_id"], request.id),
                                         actor_id=request.actor_id)
