"""The objects-and-fields designer: objects with their state, one object's fields and rules,
and the field editor with its type picker.

Pages read the metadata documents through the runtime's metadata service with the
reader's context (administrators only: others get the 403 page). Every change is saved
by the browser as a draft of the whole object document through the REST API
(``PUT /api/v1/metadata/object/<name>``, ``design_objects.js`` and ``design_field.js``).
"""

from dataclasses import dataclass

from flask import g, request

from tessera.i18n import LOCALES, Message
from tessera.metadata.errors import DocumentNotFound

from .design_types import COLOURS, type_choices, type_label
from .fields import localized
from .guard import page_locale
from .reading import runtime
from .render import page

STATES = ("published", "changed", "new", "deleted")


@dataclass(frozen=True)
class ObjectRow:
    """One object in the designer's list."""

    name: str
    label: str
    state: str  # one of STATES
    fields: int


def _documents(ctx):
    """(draft bodies, published bodies) of every object, by name."""
    service = runtime().metadata
    draft = {d["name"]: d for d in service.list(ctx, "object")}
    published = {d["name"]: d for d in service.list(ctx, "object", published=True)}
    return draft, published


def _state(name, draft, published):
    if name not in draft:
        return "deleted"
    if name not in published:
        return "new"
    return "published" if draft[name] == published[name] else "changed"


def object_rows(ctx, locale):
    """Every object, draft or published, with its state, sorted by label."""
    draft, published = _documents(ctx)
    rows = []
    for name in sorted(set(draft) | set(published)):
        body = draft.get(name) or published[name]
        rows.append(ObjectRow(name, localized(body.get("label"), locale, name), _state(name, draft, published),
                              len(body.get("fields", []))))
    return sorted(rows, key=lambda row: row.label.casefold())


def design_objects():
    """The objects (published and draft, with their state) and the form creating one."""
    locale = page_locale()
    title_label = {loc: Message("ui.design_objects.title_label").render(loc) for loc in LOCALES}
    return page("app/design/objects.html", objects=object_rows(g.ctx, locale), title_label=title_label)


def _field_states(draft, published):
    before = {f["name"]: f for f in (published or {}).get("fields", [])}
    return {f["name"]: ("new" if f["name"] not in before else
                        "published" if before[f["name"]] == f else "changed") for f in draft.get("fields", [])}


def _read_object(name):
    """(draft body, published body or None) of object ``name``; DocumentNotFound when it has no draft."""
    service = runtime().metadata
    draft = service.get(g.ctx, "object", name)["body"]
    try:
        published = service.get(g.ctx, "object", name, published=True)["body"]
    except DocumentNotFound:
        published = None
    return draft, published


def design_object(name):
    """One object: its settings, its fields in order (type, flags, state) and its validation rules."""
    locale = page_locale()
    draft, published = _read_object(name)
    registry = runtime().field_types
    types = {n: type_label(registry[n], locale) for n in registry}
    return page("app/design/object.html", doc=draft, name=name, label=localized(draft.get("label"), locale, name),
                field_states=_field_states(draft, published), types=types, localized=localized,
                published=published is not None, saved=request.args.get("saved"))


def _object_names(ctx):
    draft, _ = _documents(ctx)
    return sorted(draft)


def design_field(name, field_name=None):
    """The field editor: a new field of object ``name``, or its field ``field_name``, with the type picker."""
    locale = page_locale()
    draft, published = _read_object(name)
    fields = draft.get("fields", [])
    index = next((i for i, f in enumerate(fields) if f["name"] == field_name), None)
    if field_name is not None and index is None:
        raise DocumentNotFound("ui.design_objects.no_field", name=field_name, object=name)
    field_doc = fields[index] if index is not None else {"type": request.args.get("type", "text")}
    was_published = bool(published) and any(f["name"] == field_name for f in published.get("fields", []))
    return page("app/design/field.html", doc=draft, name=name, label=localized(draft.get("label"), locale, name),
                field=field_doc, index=index, choices=type_choices(runtime().field_types, locale),
                objects=_object_names(g.ctx), colours=COLOURS, localized=localized, was_published=was_published)


def add_objects_pages(bp):
    """Register the objects designer's pages on the ``ui`` blueprint."""
    bp.add_url_rule("/design/objects", "design_objects", design_objects)
    bp.add_url_rule("/design/objects/<name>", "design_objects_object", design_object)
    bp.add_url_rule("/design/objects/<name>/fields/new", "design_objects_new_field", design_field)
    bp.add_url_rule("/design/objects/<name>/fields/<field_name>", "design_objects_field", design_field)
