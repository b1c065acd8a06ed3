"""The ``kpi_scheme`` kind: a performance plan of weighted, scored KPIs over periods of one type.

A scheme's own checks (weights total exactly 1, floor <= cap, dates that parse, each KPI
once) run when a draft is saved; the checks against the rest of the set (its KPIs exist,
``effective_from`` opens a period of ``period_type`` under the fiscal calendar being
published) run at publish. Which published version applies to a period is the runtime's
choice (see docs/performance.md, "Scheme versions").
"""

from datetime import date
from decimal import Decimal

from tessera.i18n import Message

from .kinds import KindSpec, register_kind

#: How many months each period type spans; a period starts every that many months from the fiscal year's start.
PERIOD_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
DEFAULT_START_MONTH = 1


def parse_day(text):
    """The date of an ISO ``YYYY-MM-DD`` string, or None when it names no day."""
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _weight_errors(items):
    total = sum((Decimal(str(item["weight"])) for item in items), Decimal(0))
    if total != 1:
        return {"items": [Message("metadata.kpi_scheme.weights_total", total=str(total.normalize()))]}
    return {}


def _item_errors(items):
    errors, seen = {}, set()
    for index, item in enumerate(items):
        if item["kpi"] in seen:
            errors[f"items[{index}].kpi"] = [Message("metadata.kpi_scheme.kpi_twice", kpi=item["kpi"])]
        seen.add(item["kpi"])
        scoring = item.get("scoring", {})
        if "floor" in scoring and "cap" in scoring and scoring["floor"] > scoring["cap"]:
            errors[f"items[{index}].scoring.floor"] = [
                Message("metadata.kpi_scheme.floor_above_cap", floor=scoring["floor"], cap=scoring["cap"])]
    return errors


def _date_errors(doc):
    start = parse_day(doc["effective_from"])
    if start is None:
        return {"effective_from": [Message("metadata.kpi_scheme.not_a_day", value=doc["effective_from"])]}
    if doc.get("effective_to") is None:
        return {}
    end = parse_day(doc["effective_to"])
    if end is None:
        return {"effective_to": [Message("metadata.kpi_scheme.not_a_day", value=doc["effective_to"])]}
    if end < start:
        return {"effective_to": [Message("metadata.kpi_scheme.ends_before_start")]}
    return {}


def check_scheme(doc):
    """Weights total exactly 1, each KPI appears once, floor <= cap, and the effective dates are days in order."""
    errors = _weight_errors(doc["items"])
    errors.update(_item_errors(doc["items"]))
    errors.update(_date_errors(doc))
    return errors


def opens_period(day, period_type, start_month):
    """Whether ``day`` is the first day of a period of ``period_type`` in fiscal years starting in ``start_month``."""
    months_in = (day.month - start_month) % 12
    return day.day == 1 and months_in % PERIOD_MONTHS[period_type] == 0


def cross_check_scheme(doc, documents):
    """Every KPI of the scheme exists in the set, and ``effective_from`` opens a period of its type."""
    errors = {}
    for index, item in enumerate(doc["items"]):
        if ("kpi", item["kpi"]) not in documents:
            errors[f"items[{index}].kpi"] = [Message("metadata.kpi_scheme.no_kpi", kpi=item["kpi"])]
    calendar = documents.get(("fiscal_calendar", "default")) or {}
    start_month = calendar.get("start_month", DEFAULT_START_MONTH)
    day = parse_day(doc["effective_from"])
    if day is not None and not opens_period(day, doc["period_type"], start_month):
        errors["effective_from"] = [Message("metadata.kpi_scheme.not_a_period_start", value=doc["effective_from"],
                                            type=doc["period_type"])]
    return errors


KPI_SCHEME_KIND = register_kind(KindSpec("kpi_scheme", "kpi_scheme.json", check=check_scheme,
                                         cross_check=cross_check_scheme))

__all__ = ["PERIOD_MONTHS", "opens_period", "parse_day"]
