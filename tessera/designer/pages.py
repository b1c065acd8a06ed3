"""The pages of the generated app: home, login, record lists, record pages and forms."""

from flask import Blueprint, request

from tessera.formula.errors import FormulaError
from tessera.i18n import Message
from tessera.metadata.errors import MetadataError
from tessera.runtime.errors import RuntimeFailure

from . import approvals_pages, reading
from .design_changes import add_changes_pages
from .design_flows import add_flow_pages
from .design_formula import add_formula_pages
from .design_kpis import add_kpi_design_pages
from .design_layouts import add_layouts_pages
from .design_list_views import add_list_view_pages
from .design_objects import add_objects_pages
from .fields import field_views, localized, plain_defaults, title_field
from .guard import page_locale, safe_next
from .layout_view import form_layout, record_layout
from .list_views_pages import list_state, records_page
from .notifications_pages import add_notifications_pages
from .people_admin import add_people_admin_pages
from .render import page, say, t
from .values import input_value
from .work_views import add_work_pages


def object_labels(obj, locale):
    """(singular, plural) labels of an object model in ``locale``."""
    doc = obj.doc
    singular = localized(doc.get("label"), locale, obj.name)
    return singular, localized(doc.get("plural_label"), locale, singular)


def home():
    """The start page: the objects the reader may open."""
    return page("app/home.html")


def login():
    """The login form; after signing in the browser goes to ``next`` (a path of the app)."""
    return page("app/login.html", next_url=safe_next(request.args.get("next")))


def list_records(object_name):
    """A page of records with the count: a view (shared or the reader's own), search, filter,
    sort by a column and keyset paging."""
    obj, grant = reading.object_grant(object_name, "read")
    locale = page_locale()
    state = list_state(obj, grant, locale, request.args, reading.columns(obj, grant, locale))
    result = records_page(obj, state)
    return page("app/list.html", obj=obj, labels=object_labels(obj, locale), query=state.query, state=state,
                result=result, columns=state.columns, title_field=title_field(obj),
                refs=reading.reference_titles(state.columns, result.items),
                people=reading.people_names(state.columns, result.items),
                may_create=reading.may(obj, "create"))


def record_page(object_name, record_id):
    """One record: every readable field in document order, and its history."""
    obj, grant = reading.object_grant(object_name, "read")
    locale = page_locale()
    record, history = reading.record_with_history(obj, record_id)
    views = field_views(obj, grant.readable, locale)
    actors = reading.user_names([e["actor"] for e in history] + [record.get("owner")]
                                + [record.get(v.name) for v in views if v.type == "user"])
    approval = approvals_pages.record_state(obj, record_id)
    return page("app/record.html", obj=obj, labels=object_labels(obj, locale), record=record, fields=views,
                by_name={v.name: v for v in views}, history=history, actors=actors, people=actors,
                refs=reading.reference_titles(views, [record]),
                title=_title(obj, record), may_edit=reading.may(obj, "edit") and approvals_pages.may_change(approval),
                approval=approval,
                layout=record_layout(obj, views, record, locale))


def new_record(object_name):
    """The form creating a record."""
    obj, grant = reading.object_grant(object_name, "create")
    return _form(obj, grant, None)


def edit_record(object_name, record_id):
    """The form changing a record, holding the version it was read at."""
    obj, grant = reading.object_grant(object_name, "edit")
    record, _ = reading.record_with_history(obj, record_id)
    return _form(obj, grant, record)


def _form(obj, grant, record):
    locale = page_locale()
    views = reading.form_fields(obj, grant, locale, creating=record is None)
    defaults = plain_defaults(obj)
    return page("app/form.html", obj=obj, labels=object_labels(obj, locale), record=record, fields=views,
                title=_title(obj, record) if record else None, input_value=input_value,
                defaults=defaults, layout=form_layout(obj, views, record, locale, defaults))


def _title(obj, record):
    name = title_field(obj)
    value = record.get(name) if name else None
    return str(value) if value not in (None, "") else f"#{record['id']}"


def not_found(unknown):
    """Any other path under /app: a 404 page (the reader still has the navigation)."""
    return page("app/problem.html", status=404, status_code=404, message=Message("ui.problem.not_found"))


def problem_page(error):
    """A page explaining why a page cannot be shown (not found, not allowed, bad request)."""
    message, _ = reading.problem_message(error)
    status = getattr(error, "status", 400)
    return page("app/problem.html", status=status, status_code=status, message=message)


def create_blueprint():
    """The ``ui`` blueprint: pages under /app and their assets under /app/static."""
    bp = Blueprint("ui", __name__, url_prefix="/app", template_folder="templates",
                   static_folder="static", static_url_path="/static")
    bp.add_url_rule("/", "home", home)
    bp.add_url_rule("/login", "login", login)
    base = "/o/<object_name>"
    bp.add_url_rule(base, "list", list_records)
    bp.add_url_rule(f"{base}/new", "new", new_record)
    bp.add_url_rule(f"{base}/<int:record_id>", "record", record_page)
    bp.add_url_rule(f"{base}/<int:record_id>/edit", "edit", edit_record)
    add_work_pages(bp)
    add_objects_pages(bp)
    add_changes_pages(bp)
    add_layouts_pages(bp)
    add_list_view_pages(bp)
    add_notifications_pages(bp)
    add_kpi_design_pages(bp)
    add_people_admin_pages(bp)
    add_flow_pages(bp)
    add_formula_pages(bp)
    bp.add_url_rule("/<path:unknown>", "not_found", not_found)
    bp.register_error_handler(RuntimeFailure, problem_page)
    bp.register_error_handler(MetadataError, problem_page)
    bp.register_error_handler(FormulaError, problem_page)
    bp.context_processor(lambda: {"t": t, "say": say})
    return bp
