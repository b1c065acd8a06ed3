"""Coaching insights in plain words, derived from a scorecard's own numbers.

Honest and simple: a KPI that accumulates over the period (a sum or a count) is compared
with the pace its target asks for the part of the period elapsed; an average, a ratio or
a lower-is-better KPI with its target itself. Nothing is guessed beyond the numbers shown
on the same page (and the open records the reader can see, counted by the page).
"""

import re
from decimal import Decimal

from tessera.i18n import Message

from .kpi_view import kpi_value, percent

#: A gap to the pace within this fraction of it is "on pace".
ON_PACE = Decimal("0.05")
ACCUMULATING = re.compile(r"^\s*(SUM|COUNT)\s*\(", re.IGNORECASE)


def accumulates(doc):
    """True for a KPI whose actual grows through the period (a sum or a count of records)."""
    return "formula" not in doc and bool(ACCUMULATING.match(doc.get("measure", "")))


def elapsed_fraction(period, today):
    """The part of ``period`` (its JSON) elapsed on ``today``, today included; 1 once it ended."""
    from datetime import date

    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    if today > end:
        return Decimal(1)
    if today < start:
        return Decimal(0)
    return Decimal((today - start).days + 1) / Decimal(period["days"])


def _pace_message(item, doc, elapsed, period_id):
    actual, target = Decimal(item["actual"]), Decimal(item["target"])
    unit, scale = doc.get("unit"), doc.get("scale", 2)
    shown = {"kpi": item["label"], "actual": kpi_value(item["actual"], unit, scale),
             "target": kpi_value(item["target"], unit, scale), "period": period_id}
    if actual >= target:
        return Message("ui.insight.reached", attainment=percent(item["attainment"]), **shown)
    if elapsed >= 1:
        return Message("ui.insight.ended", attainment=percent(item["attainment"]), **shown)
    pace = target * elapsed
    gap = (actual - pace) / pace if pace else Decimal(0)
    params = dict(shown, elapsed=percent(str(elapsed), 0), gap=percent(str(abs(gap)), 0),
                  pace=kpi_value(str(pace), unit, scale))
    if gap < -ON_PACE:
        return Message("ui.insight.behind", **params)
    if gap > ON_PACE:
        return Message("ui.insight.ahead", **params)
    return Message("ui.insight.on_pace", **params)


def _level_message(item, doc):
    unit, scale = doc.get("unit"), doc.get("scale", 2)
    shown = {"kpi": item["label"], "actual": kpi_value(item["actual"], unit, scale),
             "target": kpi_value(item["target"], unit, scale)}
    actual, target = Decimal(item["actual"]), Decimal(item["target"])
    if doc.get("direction", "higher") == "lower":
        return Message("ui.insight.lower_over" if actual > target else "ui.insight.lower_ok", **shown)
    return Message("ui.insight.level_below" if actual < target else "ui.insight.level_ok", **shown)


def item_insight(item, doc, elapsed, period_id):
    """The insight of one scorecard item (its KPI document ``doc``), or None."""
    if "no_target" in item["flags"] or "zero_target" in item["flags"]:
        return Message("ui.insight.no_target", kpi=item["label"])
    if item["actual"] is None or item["target"] is None:
        return None
    if "gated" in item["flags"]:
        return Message("ui.insight.gated", kpi=item["label"])
    if accumulates(doc) and doc.get("direction", "higher") == "higher":
        return _pace_message(item, doc, elapsed, period_id)
    return _level_message(item, doc)


def card_insights(card, kpi_docs, today):
    """Insights of a scorecard: the items furthest behind first (by attainment), at most one per KPI."""
    elapsed = elapsed_fraction(card["period"], today)
    items = sorted(card["items"], key=lambda i: Decimal(i["attainment"]) if i["attainment"] else Decimal(-1))
    found = [item_insight(item, kpi_docs.get(item["kpi"], {}), elapsed, card["period"]["id"]) for item in items]
    return [message for message in found if message is not None]
