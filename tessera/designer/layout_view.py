"""The record page and form laid out by the reader's form layout.

Without a layout a page shows one untitled section of every field (the behaviour before
layouts). ``visible_when`` is evaluated here for the first render, with the reader's
context; the browser re-evaluates it on change (``static/layout_form.js``). A formula the
reader cannot evaluate (it reads a field hidden from them) leaves the field shown: hiding
is a convenience, field-level security is the security.
"""

from dataclasses import dataclass, field, replace

from flask import g

from tessera.formula.errors import FormulaError
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.records.layouts import layout_for

from . import reading
from .fields import field_views, localized, title_field

RELATED_ROWS = 5


@dataclass(frozen=True)
class SectionView:
    """One section of a page: its heading (None: untitled), its columns and its FieldViews."""

    label: str | None
    columns: int
    fields: list


@dataclass(frozen=True)
class RelatedList:
    """The first child records of one related list, with the link to all of them."""

    label: str
    object: str
    via: str
    columns: list
    rows: list
    more_filter: str
    title: str | None = None


@dataclass
class PageLayout:
    """A page's sections, its visibility formulas and which fields start hidden."""

    sections: list
    name: str | None = None
    visible_when: dict = field(default_factory=dict)
    hidden: frozenset = frozenset()
    related: list = field(default_factory=list)


def reader_layout(obj):
    """The layout document the reader gets for ``obj``, or None."""
    rt = reading.runtime()
    with rt.read() as conn:
        return layout_for(rt.model(conn), g.ctx, obj.name)


def _laid_out(entry, view, form):
    if not form:
        return view
    editable = view.editable and not entry.get("read_only")
    return replace(view, editable=editable, required=view.required or (editable and bool(entry.get("required"))))


def arrange(doc, views, locale, *, form=False):
    """PageLayout of layout ``doc`` over the FieldViews the reader may see (``views``); fields
    the layout names that the reader may not see are left out. None ``doc``: one section of all."""
    if doc is None:
        return PageLayout([SectionView(None, 1, list(views))])
    by_name = {v.name: v for v in views}
    sections, formulas = [], {}
    for section in doc["sections"]:
        shown = []
        for entry in section["fields"]:
            view = by_name.get(entry["field"])
            if view is None:
                continue
            shown.append(_laid_out(entry, view, form))
            if entry.get("visible_when"):
                formulas[view.name] = entry["visible_when"]
        if not shown:
            continue  # a section with nothing the reader may see is not shown
        label = localized(section.get("label"), locale, None) if section.get("label") else None
        sections.append(SectionView(label, section.get("columns", 1), shown))
    return PageLayout(sections, doc["name"], formulas)


def _shows(obj, formula, record_id, values):
    try:
        found = reading.runtime().formulas.evaluate(g.ctx, obj.name, formula, context="filter",
                                                    record_id=record_id, values=values)
    except (RuntimeFailure, FormulaError):
        return True
    return found["value"] is True  # NULL is not true, as in a filter


def evaluate_visibility(layout, obj, *, record_id=None, values=None):
    """Set ``layout.hidden`` to the fields whose ``visible_when`` is false for the record."""
    layout.hidden = frozenset(name for name, formula in layout.visible_when.items()
                              if not _shows(obj, formula, record_id, values))
    return layout


def _related(spec, parent, record_id, locale):
    child, grant = reading.object_grant(spec["object"], "read")
    readable = set(grant.readable)
    names = [n for n in spec.get("columns") or [title_field(child)] if n and n in readable]
    page = reading.runtime().records.list(g.ctx, child.name, filters={spec["via"]: record_id},
                                          fields=names, limit=RELATED_ROWS)
    label = localized(spec.get("label") or child.doc.get("plural_label") or child.doc.get("label"), locale, child.name)
    views = {v.name: v for v in field_views(child, names, locale)}
    return RelatedList(label, child.name, spec["via"], [views[n] for n in names], page["items"],
                       f'TEXT({spec["via"]}) = "{int(record_id)}"', title_field(child))


def related_lists(doc, parent, record_id, locale):
    """The related lists of layout ``doc`` the reader may read, each with its first records."""
    found = []
    for spec in (doc or {}).get("related_lists", []):
        try:
            found.append(_related(spec, parent, record_id, locale))
        except RuntimeFailure:
            continue  # a child object the reader may not read is not listed
    return found


def record_layout(obj, views, record, locale):
    """The PageLayout of a record page: sections, fields hidden for this record, related lists."""
    doc = reader_layout(obj)
    layout = evaluate_visibility(arrange(doc, views, locale), obj, record_id=record["id"])
    layout.related = related_lists(doc, obj, record["id"], locale)
    return layout


def form_layout(obj, views, record, locale, defaults):
    """The PageLayout of a form: the layout's read-only and required applied to the inputs."""
    layout = arrange(reader_layout(obj), views, locale, form=True)
    if record is not None:
        return evaluate_visibility(layout, obj, record_id=record["id"])
    return evaluate_visibility(layout, obj, values=defaults)
