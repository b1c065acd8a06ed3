"""The approval flow designer: the flows per object with their state, and one flow's editor
with its published versions and how many requests run on each.

Pages read through the metadata and approvals services with the reader's context (both
refuse anyone but administrators); drafts are saved by the browser through
``PUT /api/v1/metadata/approval_flow/<name>`` (``static/design_flows.js``).
"""

from dataclasses import dataclass
from functools import partial

from flask import current_app, g

from tessera.metadata.errors import DocumentNotFound
from tessera.runtime.access.admin import require_admin

from . import flow_form
from .fields import localized
from .guard import page_locale
from .render import page

KIND = "approval_flow"


@dataclass(frozen=True)
class FlowRow:
    """One flow of the list: its name, label, state and how many steps it has."""

    name: str
    label: str
    state: str  # published | changed | new | deleted
    active: bool
    steps: int


def _runtime():
    return current_app.extensions["tessera"]


def _model():
    rt = _runtime()
    with rt.read() as conn:
        return rt.model(conn)


def flow_state(draft, published):
    """``new`` (never published), ``deleted`` (at the next publish), ``changed`` (a draft
    differs from the published version) or ``published``."""
    if published is None:
        return "new"
    if draft is None:
        return "deleted"
    return "published" if draft == published else "changed"


def flow_rows(drafts, published, locale):
    """{object name: [FlowRow]} of every flow, drafts and published, by object then name."""
    by_name = {doc["name"]: doc for doc in published}
    drafted = {doc["name"]: doc for doc in drafts}
    grouped = {}
    for name in sorted(set(by_name) | set(drafted)):
        doc = drafted.get(name) or by_name[name]
        row = FlowRow(name, localized(doc.get("label"), locale, name), flow_state(drafted.get(name), by_name.get(name)),
                      doc.get("active", True), len(doc["steps"]))
        grouped.setdefault(doc["object"], []).append(row)
    return dict(sorted(grouped.items()))


def flows_page():
    """Every approval flow per object with its state; a form creating a flow."""
    require_admin(g.ctx)
    rt, locale = _runtime(), page_locale()
    rows = flow_rows(rt.metadata.list(g.ctx, KIND), rt.metadata.list(g.ctx, KIND, published=True), locale)
    model = _model()
    objects = {name: localized(obj.doc.get("label"), locale, name) for name, obj in model.objects.items()}
    return page("app/design/flows.html", rows=rows, objects=dict(sorted(objects.items())),
                first_step=flow_form.FIRST_STEP)


def _documents(name):
    """(the draft or, when a publish deletes it, the published document; the published one or None)."""
    rt = _runtime()
    try:
        published = rt.metadata.get(g.ctx, KIND, name, published=True)["body"]
    except DocumentNotFound:
        published = None
    try:
        return rt.metadata.get(g.ctx, KIND, name)["body"], published
    except DocumentNotFound:
        if published is None:
            raise
        return published, published


def _label(labels, fallback, *, locale):
    return localized(labels, locale, fallback)


def flow_page(name):
    """One flow as a vertical sequence of step cards, its final actions and its versions."""
    require_admin(g.ctx)
    rt, locale = _runtime(), page_locale()
    doc, published = _documents(name)
    model = _model()
    label = partial(_label, locale=locale)
    obj = model.objects.get(doc["object"])
    return page("app/design/flow.html", doc=doc, name=name, state=flow_state(doc, published),
                object_label=label(obj.doc.get("label"), doc["object"]) if obj else doc["object"],
                choices=flow_form.choices(model, doc["object"], rt.approver_resolvers, label),
                versions=rt.approvals.flow_versions(g.ctx, name), f=flow_form)


def add_flow_pages(bp):
    """Register the flow designer's pages on the ``ui`` blueprint."""
    bp.add_url_rule("/design/flows", "design_flows", flows_page)
    bp.add_url_rule("/design/flows/<name>", "design_flows_edit", flow_page)
