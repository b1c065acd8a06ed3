"""The designer's list views area (administrators) and the lookup typeahead's reads.

``/app/design/list-views`` lists the shared views per object, drafts and published;
``.../new?object=`` and ``.../<name>`` edit one. Saving goes from the browser to
``/api/v1/metadata/list_view`` as a draft (``design_list_views.js``), published with the
other drafts. ``/app/o/<object>/lookup`` answers the typeahead of lookup inputs: the
records the reader may see whose title starts with ``q`` (the records search), or the
title of record ``id``.
"""

from dataclasses import dataclass

from flask import abort, g, jsonify, request

from tessera.runtime.access.admin import require_admin
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.fields.serialize import digits_id

from . import reading
from .fields import NOT_COLUMNS, field_view, localized, title_field
from .guard import page_locale
from .render import page, say

#: How many records the typeahead offers.
LOOKUP_SIZE = 8
#: Sort rows the editor offers.
SORT_ROWS = 3
SYSTEM_SORTS = ("created_at", "updated_at")


@dataclass(frozen=True)
class DesignedView:
    """One shared view as the designer lists it."""

    name: str
    label: str
    columns: int
    default: bool
    published: bool


def _objects(locale):
    rt = reading.runtime()
    with rt.read() as conn:
        model = rt.model(conn)
    return sorted(((name, localized(obj.doc.get("label"), locale, name)) for name, obj in model.objects.items()),
                  key=lambda pair: pair[1].casefold()), model


def design_list_views():
    """Every object with its shared views: label, columns, default, draft or published."""
    require_admin(g.ctx)
    locale = page_locale()
    objects, _ = _objects(locale)
    rt = reading.runtime()
    drafts = rt.metadata.list(g.ctx, "list_view")
    published = {d["name"]: d for d in rt.metadata.list(g.ctx, "list_view", published=True)}
    by_object = {}
    for doc in sorted(drafts, key=lambda d: d["name"]):
        by_object.setdefault(doc["object"], []).append(DesignedView(
            doc["name"], localized(doc["label"], locale, doc["name"]), len(doc["columns"]), bool(doc.get("default")),
            published.get(doc["name"]) == doc))
    return page("app/design/list_views.html", objects=objects, by_object=by_object)


def _field_choices(obj, locale):
    return [field_view(n, doc, locale) for n, doc in obj.fields.items() if doc["type"] not in NOT_COLUMNS]


def _editor(object_name, doc):
    require_admin(g.ctx)
    locale = page_locale()
    _, model = _objects(locale)
    obj = model.objects.get(object_name)
    if obj is None:
        abort(404)
    by_name = {v.name: v for v in _field_choices(obj, locale)}
    chosen = [c for c in doc.get("columns", []) if c in by_name]
    ordered = [by_name[c] for c in chosen] + [v for n, v in by_name.items() if n not in chosen]
    sort = list(doc.get("sort") or ()) + [{}] * SORT_ROWS
    return page("app/design/list_view_edit.html", obj=obj, object_label=localized(obj.doc.get("label"), locale, obj.name),
                doc=doc, fields=ordered, chosen=set(chosen), sort_rows=sort[:SORT_ROWS], system_sorts=SYSTEM_SORTS,
                creating="name" not in doc)


def design_list_view_new():
    """The editor of a new shared view of ``?object=`` (the title field as its first column)."""
    object_name = request.args.get("object", "")
    rt = reading.runtime()
    with rt.read() as conn:
        _, obj = rt.object_for(conn, object_name)
    title = title_field(obj)
    return _editor(object_name, {"columns": [title] if title else []})


def design_list_view_edit(name):
    """The editor of the shared view ``name`` (its newest draft)."""
    require_admin(g.ctx)
    found = reading.runtime().metadata.get(g.ctx, "list_view", name)
    return _editor(found["body"]["object"], found["body"])


def lookup(object_name):
    """JSON ``{"items": [{"id", "title"}]}``: up to LOOKUP_SIZE records of ``object_name`` whose
    title starts with ``q``, or the record ``id``, as the reader may see them."""
    obj, grant = reading.object_grant(object_name, "read")
    name = title_field(obj)
    fields = [name] if name in grant.readable else None
    rt = reading.runtime()
    record_id = digits_id(request.args.get("id", ""))
    try:
        if record_id is not None:
            items = [rt.records.get(g.ctx, object_name, record_id, fields=fields)]
        else:
            items = rt.records.list(g.ctx, object_name, search=request.args.get("q", ""), fields=fields,
                                    limit=LOOKUP_SIZE)["items"]
    except RuntimeFailure as error:
        message, _ = reading.problem_message(error)
        return jsonify({"items": [], "detail": say(message)}), error.status
    return jsonify({"items": [{"id": r["id"], "title": str(r.get(name) or f"#{r['id']}")} for r in items]})


def add_list_view_pages(bp):
    """Register the list views designer and the lookup reads on the ``ui`` blueprint."""
    bp.add_url_rule("/o/<object_name>/lookup", "lookup", lookup)
    bp.add_url_rule("/design/list-views", "design_list_views", design_list_views)
    bp.add_url_rule("/design/list-views/new", "design_list_views_new", design_list_view_new)
    bp.add_url_rule("/design/list-views/<name>", "design_list_views_edit", design_list_view_edit)
