"""The list page's state: the view picked (shared or personal), its columns, filter and sort,
the search text, and the page of records with the count, read through the runtime.

A view sets the columns, and the filter and sort the page starts from; the reader may
change filter and sort on the page (the URL then says so), search within the view and
page on. Columns the reader may not read are dropped; a filter or sort over such a field
is refused by the records service and shown above the table as any bad filter is.
"""

from dataclasses import dataclass

from flask import g, url_for

from tessera.formula.errors import FormulaError
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.list_views.shapes import sort_text
from tessera.runtime.records.aggregate import count_records

from . import reading
from .fields import field_views, localized

#: The query parameters the list page reads, in the order its URLs write them.
LIST_QUERY = ("view", "q", "filter", "sort", "cursor")


@dataclass(frozen=True)
class ViewChoice:
    """One view in the picker: its key in ``?view=``, label, and whether it is the reader's own."""

    key: str
    label: str
    personal: bool
    default: bool
    doc: dict


@dataclass
class ListState:
    """What the list page shows: the views, the one picked, the effective query and columns."""

    views: list
    view: ViewChoice | None
    query: dict
    columns: list

    def url(self, obj, **changes):
        """The list page's URL with this state's query, ``changes`` applied (None drops a parameter)."""
        args = {k: self.query.get(k) for k in LIST_QUERY if k != "cursor"}
        args.update(changes)
        # An empty filter or sort matters only against a view's own (it overrides it).
        blank_ok = {"view", "filter", "sort"} if self.view else {"view"}
        return url_for("ui.list", object_name=obj.name,
                       **{k: v for k, v in args.items() if v is not None and (v != "" or k in blank_ok)})


def view_choices(obj, locale):
    """The views of ``obj`` the reader may pick, as the list-views API orders them (defaults first)."""
    items = reading.runtime().list_views.list(g.ctx, obj.name)["items"]
    return [ViewChoice(str(v["id"]), localized(v["label"], locale, str(v["id"])), not v["shared"], v["default"], v)
            for v in items]


def _picked(views, args):
    if "view" in args:
        return next((v for v in views if v.key == args["view"]), None)
    if any(args.get(k) for k in ("filter", "sort")):
        return None
    return next((v for v in views if v.default), None)


def list_state(obj, grant, locale, args, default_columns):
    """The ListState of the list page of ``obj`` for the request ``args``."""
    views = view_choices(obj, locale)
    view = _picked(views, args)
    query = {k: args.get(k, "") for k in LIST_QUERY}
    query["view"] = view.key if view else ("" if "view" in args else None)
    if view is not None:
        if "filter" not in args:
            query["filter"] = view.doc["filter"] or ""
        if "sort" not in args:
            query["sort"] = sort_text(view.doc["sort"])
    columns = default_columns
    if view is not None and view.doc["columns"]:
        readable = set(grant.readable)
        by_name = {v.name: v for v in field_views(obj, [c for c in view.doc["columns"] if c in readable], locale)}
        columns = [by_name[c] for c in view.doc["columns"] if c in by_name] or default_columns
    return ListState(views, view, query, columns)


def records_page(obj, state):
    """One page of records for ``state`` with the count, or the error its query met."""
    rt, query = reading.runtime(), state.query
    formula, search = query.get("filter") or None, query.get("q") or None
    try:
        page = rt.records.list(g.ctx, obj.name, formula=formula, sort=query.get("sort") or None,
                               limit=reading.PAGE_SIZE, cursor=query.get("cursor") or None, search=search)
        total = count_records(rt, g.ctx, obj.name, formula=formula, search=search, at_most=reading.COUNT_CEILING)
    except (RuntimeFailure, FormulaError) as error:
        message, errors = reading.problem_message(error)
        return reading.ListResult([], None, None, message, errors)
    return reading.ListResult(page["items"], page["next_cursor"], total)
