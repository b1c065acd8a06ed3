"""The approval inbox page and the approval part of a record's page.

Both read through the approvals service with the reader's context; the decisions
(approve, reject, reassign, submit, recall) go from the browser to the REST API
(``static/approvals.js``), so the page can do nothing the API refuses.
"""

from dataclasses import dataclass

from flask import current_app, g, request

from tessera.i18n import Message

from .fields import localized
from .guard import page_locale
from .work import age, stamp

INBOX_PAGE = 25
DONE = ("approved", "rejected", "reassigned", "submitted", "recalled")


@dataclass
class InboxRow:
    """One pending work item as the inbox shows it."""

    item: dict
    object_label: str
    step_label: str
    age: Message
    due: str


def _model():
    rt = current_app.extensions["tessera"]
    with rt.read() as conn:
        return rt.model(conn)


def step_labels(steps, locale):
    """{step name: label} of a request's steps in ``locale`` (the name when unlabelled)."""
    return {step["name"]: localized(step.get("label"), locale, step["name"]) for step in steps or ()}


def _object_label(model, name, locale):
    obj = model.objects.get(name)
    return localized(obj.doc.get("label"), locale, name) if obj is not None else name


def _flow_step_labels(model, locale):
    """{(object, step name): label} over the published approval flows (a request's step keeps
    its name across versions; the label shown is the published one)."""
    labels = {}
    for (kind, _), doc in model.documents.items():
        if kind == "approval_flow":
            for name, label in step_labels(doc.get("steps"), locale).items():
                labels.setdefault((doc["object"], name), label)
    return labels


def inbox_rows():
    """(rows, next cursor, the decision just recorded or None) of the reader's inbox page."""
    rt, locale = current_app.extensions["tessera"], page_locale()
    found = rt.approvals.inbox(g.ctx, cursor=request.args.get("cursor") or None, limit=str(INBOX_PAGE))
    model = _model()
    steps = _flow_step_labels(model, locale)
    rows = [InboxRow(item, _object_label(model, item["object"], locale),
                     steps.get((item["object"], item["step"]), item["step"]), age(item["submitted_at"]),
                     stamp(item["due_at"])) for item in found["items"]]
    done = request.args.get("done")
    return rows, found["next_cursor"], done if done in DONE else None


def may_change(state):
    """False while an approval locks the record against the reader: as the records service's
    lock guard decides, only the current step's approvers and administrators change it then."""
    return not (state and state["locked"]) or state["may_decide"] or g.ctx.is_admin


def record_state(obj, record_id):
    """The record's approval state (see ApprovalService.record_state) with its steps' labels, or None
    when no flow concerns the object."""
    state = current_app.extensions["tessera"].approvals.record_state(g.ctx, obj.name, record_id)
    request_ = state["request"]
    if request_ is None and not state["may_submit"]:
        return None
    state["labels"] = step_labels(request_["steps"], page_locale()) if request_ else {}
    state["waiting"] = [item for item in (request_ or {}).get("work_items", []) if item["status"] == "pending"]
    return state
