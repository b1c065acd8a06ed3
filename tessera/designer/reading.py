"""What the pages read, through the runtime's services with the reader's context.

The same services as the REST API answer here, so a page shows exactly what the API
would: objects the reader may read, their readable fields, the records they may see.
"""

from dataclasses import dataclass

from flask import current_app, g

from tessera.formula.errors import FormulaError
from tessera.i18n import Message
from tessera.runtime.access.fields import rights_of
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.identity.users import get_user
from tessera.runtime.records.aggregate import count_records

from .fields import field_views, list_columns, localized, title_field

PAGE_SIZE = 25
#: A list counts up to this many records and then says "more than" (a full count of a
#: million rows costs more than the page itself).
COUNT_CEILING = 10_000


def runtime():
    """The Runtime of the current app."""
    return current_app.extensions["tessera"]


@dataclass(frozen=True)
class NavItem:
    """One object in the navigation."""

    name: str
    label: str


def navigation(locale):
    """The objects the reader may read, labelled in ``locale`` (plural labels first), by label."""
    rt = runtime()
    with rt.read() as conn:
        model = rt.model(conn)
        readable = rt.access.readable_objects(g.ctx, model)
    items = []
    for name in readable:
        doc = model.objects[name].doc
        items.append(NavItem(name, localized(doc.get("plural_label") or doc.get("label"), locale, name)))
    return sorted(items, key=lambda item: item.label.casefold())


def object_grant(object_name, action):
    """(object model, FieldGrant) of the reader on ``object_name`` for ``action``; raises as the API does."""
    rt = runtime()
    with rt.read() as conn:
        _, obj = rt.object_for(conn, object_name)
    return obj, rt.access.object_access(g.ctx, obj, action)


def may(obj, action):
    """True when the reader holds the object right ``action`` on ``obj`` (records may still refuse)."""
    return g.ctx.is_admin or rights_of(g.ctx).can(obj.name, action)


def problem_message(error):
    """(message, {field: [messages]}) of a runtime or formula error, as the API would word them."""
    if isinstance(error, FormulaError):
        messages = [d.localized() for d in error.diagnostics]
        return (messages[0] if messages else Message("problem.formula_error")), {}
    return error.message, error.errors


@dataclass
class ListResult:
    """One page of a list, or the error the query met."""

    items: list
    next_cursor: str | None
    count: int | None
    error: object = None
    field_errors: dict = None

    @property
    def count_message(self):
        """The count as the page says it: "1,234 records", or "More than 10,000 records"."""
        if self.count > COUNT_CEILING:
            return Message("ui.list.count_more", count=f"{COUNT_CEILING:,}")
        if self.count == 1:
            return Message("ui.list.count_one")
        return Message("ui.list.count", count=f"{self.count:,}")


def list_page(obj, query):
    """One page of ``obj``'s records for the list ``query`` (filter, sort, cursor) with the count."""
    rt, formula = runtime(), query.get("filter") or None
    try:
        page = rt.records.list(g.ctx, obj.name, formula=formula, sort=query.get("sort") or None,
                               limit=PAGE_SIZE, cursor=query.get("cursor") or None)
        total = count_records(rt, g.ctx, obj.name, formula=formula, at_most=COUNT_CEILING)
    except (RuntimeFailure, FormulaError) as error:
        message, errors = problem_message(error)
        return ListResult([], None, None, message, errors)
    return ListResult(page["items"], page["next_cursor"], total)


def columns(obj, grant, locale):
    """The FieldViews a list of ``obj`` shows to the holder of ``grant``."""
    return list_columns(obj, grant.readable, locale)


def record_with_history(obj, record_id):
    """(record, history entries) of one record the reader may see."""
    rt = runtime()
    record = rt.records.get(g.ctx, obj.name, record_id)
    return record, rt.records.history(g.ctx, obj.name, record_id)


def user_names(user_ids):
    """{user id: display name} of the given users the reader may look up, as the users API
    allows: administrators anyone, others only themselves."""
    rt, names, caller = runtime(), {}, g.ctx
    wanted = {u for u in user_ids if isinstance(u, int) and (caller.is_admin or u == caller.user_id)}
    with rt.read() as conn:
        for user_id in wanted:
            try:
                user = get_user(conn, user_id)
            except RuntimeFailure:
                continue
            names[user_id] = user["display_name"] or user["username"]
    return names


def form_fields(obj, grant, locale, *, creating):
    """The FieldViews of a form: readable fields, those the reader may write as inputs.

    A new record's form leaves out fields no one types (formulas, auto-numbers, roll-ups).
    """
    views = field_views(obj, grant.readable, locale, editable=grant.editable)
    if creating:
        return [v for v in views if v.editable]
    return views


def reference_titles(views, records):
    """{(target object, id): title} of the records the lookups in ``records`` point at, for
    those the reader may read (others stay unnamed: the page shows their number)."""
    rt, titles = runtime(), {}
    wanted = {(v.target, r.get(v.name)) for v in views if v.target for r in records if isinstance(r.get(v.name), int)}
    for target, record_id in sorted(wanted):
        try:
            with rt.read() as conn:
                _, obj = rt.object_for(conn, target)
            name = title_field(obj)
            found = rt.records.get(g.ctx, target, record_id, fields=[name]) if name else {}
        except RuntimeFailure:
            continue
        if found.get(name) not in (None, ""):
            titles[(target, record_id)] = str(found[name])
    return titles


def people_names(views, records):
    """{user id: name} of the users that user fields in ``records`` name, as ``user_names`` allows."""
    return user_names([r.get(v.name) for v in views if v.type == "user" for r in records])
