"""The layout designer: the list of form layouts per object and the editor of one layout.

Pages read drafts through the metadata service (administrators only: others get the 403
page); every write goes from the browser to ``/api/v1/metadata/layout/...`` and publishing
to ``/api/v1/metadata/publish`` (``static/design_layouts.js``).
"""

from dataclasses import dataclass

from flask import g

from tessera.formula.errors import FormulaError
from tessera.i18n import Message
from tessera.metadata.fieldtypes import lookup_target
from tessera.runtime.access.admin import require_admin
from tessera.runtime.errors import RuntimeFailure

from . import reading
from .fields import field_view, localized
from .guard import page_locale
from .render import page
from .values import show


@dataclass(frozen=True)
class PaletteField:
    """A field of the object as the designer lists it."""

    name: str
    label: str
    type: str


@dataclass(frozen=True)
class RelatedSource:
    """A child object and its lookup to the laid-out object: a possible related list."""

    object: str
    via: str
    label: str
    fields: tuple


def _drafts(kind):
    return {doc["name"]: doc for doc in reading.runtime().metadata.list(g.ctx, kind)}


def layouts_by_object(locale):
    """[(object name, object label, [layout docs])] of every object, layouts by name."""
    objects, layouts = _drafts("object"), _drafts("layout")
    grouped = []
    for name, doc in sorted(objects.items()):
        mine = sorted((d for d in layouts.values() if d["object"] == name), key=lambda d: d["name"])
        grouped.append((name, localized(doc.get("label"), locale, name), mine))
    return grouped


def design_layouts():
    """The layouts of every object, and the form creating one."""
    require_admin(g.ctx)
    first = Message("ui.layout.first_section")
    return page("app/design/layouts.html", groups=layouts_by_object(page_locale()), localized=localized,
                first_section={"en": first.render("en"), "zh-CN": first.render("zh-CN")})


def _fields(object_doc, locale):
    return [PaletteField(f["name"], localized(f.get("label"), locale, f["name"]), f["type"]) for f in object_doc["fields"]]


def related_sources(object_name, objects, locale):
    """Every (child, lookup) whose lookup points at ``object_name``, as RelatedSources."""
    found = []
    for child_name, child in sorted(objects.items()):
        for field_doc in child["fields"]:
            if lookup_target(field_doc) == object_name and field_doc["type"] != "user":
                label = f"{localized(child.get('label'), locale, child_name)} · {localized(field_doc.get('label'), locale, field_doc['name'])}"
                found.append(RelatedSource(child_name, field_doc["name"], label,
                                           tuple(f["name"] for f in child["fields"])))
    return found


def sample_values(object_name, object_doc, locale):
    """{field: text} of the object's most recent record the administrator may read, or {}."""
    try:
        found = reading.runtime().records.list(g.ctx, object_name, sort="-created_at", limit=1)
    except (RuntimeFailure, FormulaError):
        return {}
    if not found["items"]:
        return {}
    record = found["items"][0]
    texts = {}
    for field_doc in object_doc["fields"]:
        value = record.get(field_doc["name"])
        if value is not None:
            texts[field_doc["name"]] = show(field_view(field_doc["name"], field_doc, locale), value, locale) or str(value)
    return texts


def design_layout_edit(name):
    """The editor of draft layout ``name``: palette, sections, related lists, assignment, preview."""
    require_admin(g.ctx)
    locale = page_locale()
    doc = reading.runtime().metadata.get(g.ctx, "layout", name)["body"]
    objects = _drafts("object")
    object_doc = objects.get(doc["object"], {"fields": []})
    fields = _fields(object_doc, locale)
    placed = {entry["field"] for section in doc["sections"] for entry in section["fields"]}
    return page("app/design/layout_edit.html", doc=doc, fields={f.name: f for f in fields},
                palette=[f for f in fields if f.name not in placed],
                sources=related_sources(doc["object"], objects, locale),
                permission_sets=sorted(_drafts("permission_set")),
                object_label=localized(object_doc.get("label"), locale, doc["object"]),
                sample=sample_values(doc["object"], object_doc, locale), localized=localized)


def add_layouts_pages(bp):
    """Register the layout designer's pages on the ``ui`` blueprint."""
    bp.add_url_rule("/design/layouts", "design_layouts", design_layouts)
    bp.add_url_rule("/design/layouts/<name>", "design_layouts_edit", design_layout_edit)
