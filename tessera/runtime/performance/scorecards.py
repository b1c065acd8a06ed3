"""Scorecards: the pipeline from a scheme and a period to every measured person's scored items.

period -> who the scheme measures and on which days -> credited actuals (one grouped
query per group of KPIs, windows of partly measured people inside it) -> targets (resolved, prorated) -> attainment ->
score -> total -> rank. Everything runs in system context: these are the official numbers
of the person measured, the same whoever asks. Part 2 (published results) reuses
``score_people`` as is and stores what it returns.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import periods as P
from .fused import actuals_of
from .assignments import assignment_windows
from .kpis import kpi_definition
from .schemes import applies_to_users
from .scoring import Scoring, ranks, score_item, total
from .targets import resolve_many


@dataclass(frozen=True)
class Line:
    """One KPI of one person's scorecard: the numbers and where the target came from."""

    kpi: str
    actual: Decimal | None
    target: Decimal | None
    target_source: object  # the resolved Target, before proration
    prorated: tuple | None  # (covered days, period days) when the target was scaled
    scored: object  # scoring.ItemScore


@dataclass(frozen=True)
class Card:
    """One person's scorecard under a scheme for a period."""

    user_id: int
    windows: tuple
    lines: tuple
    total: Decimal | None
    incomplete: bool


def _merged(windows):
    """Overlapping or touching (start, end) windows merged, in date order."""
    merged = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def measured_people(conn, scheme, period, users=None, applied=None):
    """{user_id: ((start, end), ...)}: the days of ``period`` each person is measured by
    ``scheme``. A person with an assignment overlapping the period is measured by the
    schemes of their assignments, on the assigned days; anyone else matched by the
    scheme's ``applies_to`` on every day. ``users`` limits who is looked at; ``applied``
    is what ``applies_to_users`` answers for the scheme, when the caller already read it."""
    windows = assignment_windows(conn, users=users or (), start=period.start, end=period.end)
    found = {}
    if applied is None:
        applied = applies_to_users(conn, scheme.doc.get("applies_to"))
    for user_id in applied:
        if user_id not in windows and (users is None or user_id in users):
            found[user_id] = ((period.start, period.end),)
    for user_id, assigned in windows.items():
        own = [(max(start, period.start), min(end or period.end, period.end))
               for name, start, end in assigned if name == scheme.name]
        if own:
            found[user_id] = _merged(own)
    return found


def covered_days(windows):
    """How many days ``windows`` cover."""
    return sum((end - start).days + 1 for start, end in windows)


def window_periods(period, windows):
    """The period itself when fully covered, else one Period per window (ids ``Q#0``, ``Q#1``)."""
    if windows == ((period.start, period.end),):
        return [period]
    return [P.Period(f"{period.id}#{i}", period.type, start, end) for i, (start, end) in enumerate(windows)]


def credited(conn, model, kpis, period, people, *, env, timezone):
    """{kpi: {user_id: actual}} of ``kpis`` over each person's measured days (``people``:
    {user_id: windows}): one scan of the records per group of KPIs sharing object, date and
    credit, people measured on part of the period counted on their days by the same
    statement."""
    partial = {user_id: windows for user_id, windows in people.items()
               if windows != ((period.start, period.end),)}
    values = actuals_of(conn, model, kpis, [period], sorted(people), env=env, timezone=timezone, windows=partial)
    return {kpi: {user_id: values[kpi].get((user_id, period.id)) for user_id in people} for kpi in kpis}


def prorated_target(target, windows, period, scale, proration):
    """(target scaled by covered days / period days at the KPI's scale, (covered, days) or None)."""
    days = covered_days(windows)
    if target is None or proration != "days" or days >= period.days:
        return target, None
    scaled = (target * days / period.days).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return scaled, (days, period.days)


def score_people(conn, model, scheme, period, people, *, env, timezone):
    """{user_id: Card} of ``people`` ({user_id: windows}) under ``scheme`` in ``period``."""
    per_item = []
    kpis = [item["kpi"] for item in scheme.items]
    values_of = credited(conn, model, kpis, period, people, env=env, timezone=timezone)
    targets_of = resolve_many(conn, kpis, period, users=sorted(people))
    for item in scheme.items:
        rule = _Rule(item, kpi_definition(model, item["kpi"]))
        per_item.append((rule, values_of[item["kpi"]], targets_of[item["kpi"]]))
    cards = {}
    for user_id, windows in people.items():
        lines = [_line(rule, values.get(user_id), targets[("user", user_id)], windows, period, scheme)
                 for rule, values, targets in per_item]
        summed, incomplete = total([line.scored for line in lines], scheme.missing_target)
        cards[user_id] = Card(user_id, windows, tuple(lines), summed, incomplete)
    return cards


class _Rule:
    """One scheme item's scoring inputs, read once per scorecard run rather than once per person."""

    def __init__(self, item, definition):
        self.kpi, self.weight, self.scale = item["kpi"], Decimal(str(item["weight"])), definition.scale
        self.scoring = Scoring.from_document(item.get("scoring"))
        self.direction = definition.doc.get("direction", "higher")


def _line(rule, actual, resolved, windows, period, scheme):
    target, prorated = prorated_target(resolved.value, windows, period, rule.scale, scheme.proration)
    scored = score_item(actual, target, weight=rule.weight, scoring=rule.scoring, direction=rule.direction,
                        prorated=prorated is not None)
    return Line(rule.kpi, actual, target, resolved, prorated, scored)


def ranked(cards):
    """The leaderboard of ``cards``: ``[(user_id, total, rank)]`` by total, ties by user id, null totals last."""
    return ranks([(user_id, cards[user_id].total) for user_id in sorted(cards)])
