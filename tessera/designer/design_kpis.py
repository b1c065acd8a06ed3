"""The KPI and scheme designer (administrators): the list of KPIs by category and of schemes,
the KPI editor with "try this KPI", and the scheme editor with its live weight total.

Pages read through the metadata service (drafts and the published set); saving goes from
the browser to ``PUT /api/v1/metadata/kpi|kpi_scheme/<name>`` (``static/design_kpi.js``,
``design_scheme.js``), so a draft is checked exactly as the API checks it.
"""

from decimal import Decimal

from flask import g, request, url_for

from tessera.metadata.errors import DocumentNotFound
from tessera.metadata.kpi_schemes import PERIOD_MONTHS
from tessera.metadata.kpis import AGGREGATES
from tessera.runtime.access.admin import require_admin
from tessera.runtime.performance import periods as P

from . import kpi_design_reads as reads
from . import performance_pages as perf
from .fields import localized
from .guard import page_locale
from .render import page

KPI_DEFAULTS = {"direction": "higher", "category": "result", "unit": "number", "scale": 2}
SCHEME_DEFAULTS = {"period_type": "quarter", "missing_target": "incomplete", "proration": "days",
                   "leaderboard": "team", "items": [], "applies_to": {}}
ENUMS = {"direction": ("higher", "lower"), "category": reads.CATEGORIES, "unit": ("number", "currency", "percent"),
         "period_type": tuple(PERIOD_MONTHS), "missing_target": ("incomplete", "renormalize"),
         "proration": ("days", "none"), "leaderboard": ("all", "team", "managers")}


def as_percent(fraction):
    """A stored fraction as per cent text without float noise (0.15 -> "15", 0.3333 -> "33.33")."""
    if fraction is None or fraction == "":
        return ""
    return format((Decimal(str(fraction)) * 100).normalize(), "f")


def label_of(doc, fallback=None):
    """A document's label in the page's locale."""
    return localized((doc or {}).get("label"), page_locale(), fallback or (doc or {}).get("name", ""))


def overview():
    """KPIs grouped by category and the schemes, each with its state (published, changed, new draft)."""
    require_admin(g.ctx)
    kpis = reads.design_documents("kpi")
    schemes = reads.design_documents("kpi_scheme")
    return page("app/design/kpis.html", groups=reads.kpis_by_category(kpis), schemes=schemes.values(),
                kpis=kpis, label_of=label_of, as_percent=as_percent, weight_total=weight_total)


def weight_total(items):
    """The weights of scheme ``items`` added up, as per cent text."""
    return as_percent(sum((Decimal(str(item["weight"])) for item in items), Decimal(0)))


def _saved():
    """The draft version a save just wrote (``?saved=``), to say so on the page it opened."""
    saved = request.args.get("saved", "")
    return saved if saved.isdecimal() and len(saved) < 10 else None


def _existing(kind, name):
    found = reads.design_documents(kind).get(name)
    if found is None:
        raise DocumentNotFound("metadata.document.none", kind=kind, name=name)
    return found


def new_kpi():
    """The KPI editor for a new KPI."""
    require_admin(g.ctx)
    return _kpi_page(None, dict(KPI_DEFAULTS))


def edit_kpi(name):
    """The KPI editor for the KPI ``name`` (its draft, else its published version)."""
    require_admin(g.ctx)
    found = _existing("kpi", name)
    return _kpi_page(found, {**KPI_DEFAULTS, **found.body})


def _kpi_page(found, body):
    locale = page_locale()
    kpis = reads.design_documents("kpi")
    trial = _trial(found) if found is not None else None
    return page("app/design/kpi_edit.html", found=found, body=body, objects=reads.object_choices(locale),
                kpis=kpis, enums=ENUMS, aggregates=AGGREGATES, trial=trial, label_of=label_of,
                api_base=url_for("api.metadata_list", kind="kpi"), saved=_saved())


def _trial(found):
    """What "try this KPI" offers: the published schemes holding it, people and a period; or why not."""
    if found.published is None:
        return {"reason": "ui.design_kpis.try.draft_only"}
    schemes = reads.design_documents("kpi_scheme")
    holding = reads.schemes_holding(schemes, found.name)
    if not holding:
        return {"reason": "ui.design_kpis.try.no_scheme"}
    first = schemes[holding[0]].published
    return {"schemes": [(name, label_of(schemes[name].published, name)) for name in holding],
            "people": reads.measured_first(reads.people(page_locale()).users, first.get("applies_to")),
            "period": current_period(first["period_type"]),
            "changed": found.state == "changed"}


def current_period(period_type):
    """The id of the period of ``period_type`` holding today (the organisation's calendar and time zone)."""
    rt, day = reads.runtime(), perf.today()
    with rt.read() as conn:
        calendar = rt.performance.calendar(rt.model(conn))
    for year in (day.year - 1, day.year, day.year + 1):
        for period in P.in_year(calendar, period_type, year):
            if period.start <= day <= period.end:
                return period.id
    return ""


def new_scheme():
    """The scheme editor for a new scheme."""
    require_admin(g.ctx)
    return _scheme_page(None, dict(SCHEME_DEFAULTS))


def edit_scheme(name):
    """The scheme editor for the scheme ``name`` (its draft, else its published version)."""
    require_admin(g.ctx)
    found = _existing("kpi_scheme", name)
    return _scheme_page(found, {**SCHEME_DEFAULTS, **found.body})


def _scheme_page(found, body):
    locale = page_locale()
    kpis = reads.design_documents("kpi")
    choices = [(name, label_of(doc.body, name)) for name, doc in kpis.items() if doc.draft is not None]
    applies = body.get("applies_to") or {}
    return page("app/design/scheme_edit.html", found=found, body=body, kpi_choices=choices, enums=ENUMS,
                people=reads.people(locale, applies.get("users")), applies=applies, as_percent=as_percent,
                label_of=label_of,
                picked_users={str(u) for u in applies.get("users", [])},
                api_base=url_for("api.metadata_list", kind="kpi_scheme"), saved=_saved(),
                weight_total=weight_total(body["items"]))


def add_kpi_design_pages(bp):
    """Register the KPI and scheme designer's pages on the ``ui`` blueprint."""
    base = "/design/kpis"
    bp.add_url_rule(base, "design_kpis", overview)
    bp.add_url_rule(f"{base}/new-kpi", "design_kpis_new_kpi", new_kpi)
    bp.add_url_rule(f"{base}/kpi/<name>", "design_kpis_kpi", edit_kpi)
    bp.add_url_rule(f"{base}/new-scheme", "design_kpis_new_scheme", new_scheme)
    bp.add_url_rule(f"{base}/scheme/<name>", "design_kpis_scheme", edit_scheme)
