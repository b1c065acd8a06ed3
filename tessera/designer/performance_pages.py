"""The performance dashboard and the explanation of one number, read through the scorecards
service with the reader's context: a scorecard the API refuses is refused here (404)."""

import re
from zoneinfo import ZoneInfo

from flask import current_app, g, request

from tessera.runtime.errors import RuntimeFailure, ScorecardNotFound
from tessera.runtime.performance import periods as P
from tessera.runtime.records.aggregate import aggregate_records

from .fields import localized
from .guard import page_locale
from .insights import accumulates

#: The period types tried, in order, for "my current scorecard".
PERIOD_TYPES = ("quarter", "month", "half", "year")
TREND_LENGTH = 4
EXPLAIN_PAGE = "25"
PLAIN_MEASURE = re.compile(r"^\s*(SUM|COUNT)\s*\(\s*([a-z][a-z0-9_]*)?\s*\)\s*$", re.IGNORECASE)


def runtime():
    """The Runtime of the current app."""
    return current_app.extensions["tessera"]


def today():
    """Today in the organisation's time zone (by the runtime's clock)."""
    rt = runtime()
    moment = rt.clock()
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))).astimezone(
        ZoneInfo(rt.timezone)).date()


def _calendar_and_model():
    rt = runtime()
    with rt.read() as conn:
        model = rt.model(conn)
    return rt.performance.calendar(model), model


def _containing(calendar, type_, day):
    for year in (day.year - 1, day.year, day.year + 1):
        for period in P.in_year(calendar, type_, year):
            if period.start <= day <= period.end:
                return period
    return None


def _scorecard(user, period_id, scheme=None):
    return runtime().scorecards.scorecard_and_leaderboard(g.ctx, user, period_id, scheme, locale=page_locale())


def current_card(user, period_id):
    """``{"scorecard", "leaderboard"}`` of the period asked for (``period_id``), else of the current
    period of the first type a scheme measures the person by; raises ScorecardNotFound as the API would."""
    if period_id:
        return _scorecard(user, period_id)
    calendar, _ = _calendar_and_model()
    day, last = today(), None
    for type_ in PERIOD_TYPES:
        period = _containing(calendar, type_, day)
        try:
            return _scorecard(user, period.id)
        except ScorecardNotFound as error:
            last = error
    raise last


def trend(card):
    """[(period id, total or None)] of the TREND_LENGTH periods up to the card's, same scheme: the
    card's own total, and the person's totals before it (their own numbers, no leaderboard)."""
    calendar, _ = _calendar_and_model()
    current = P.parse(calendar, card["period"]["id"])
    year = calendar.year_of(current.start)
    earlier = [p.id for y in (year - 1, year) for p in P.in_year(calendar, current.type, y) if p.start < current.start]
    earlier = earlier[-(TREND_LENGTH - 1):]
    found = runtime().scorecards.totals(g.ctx, str(card["user"]["id"]), card["scheme"]["name"], earlier)
    return [(row["period"], row["total"]) for row in found] + [(current.id, card["total"])]


def kpi_documents(card):
    """{kpi name: published KPI document} of the card's items."""
    _, model = _calendar_and_model()
    return {item["kpi"]: model.documents.get(("kpi", item["kpi"]), {}) for item in card["items"]}


def scheme_label(card):
    """The label of the card's scheme in the page's locale (its name when it has none)."""
    _, model = _calendar_and_model()
    name = card["scheme"]["name"]
    return localized(model.documents.get(("kpi_scheme", name), {}).get("label"), page_locale(), name)


def pipeline(card, docs, day):
    """(count, sum text or None, object label) of the records the reader can see credited to the
    person by the first accumulating KPI, dated in the (running) period, that do not count yet
    (its filter is not met); None when no KPI lends itself to it or the period ended."""
    start, end = card["period"]["start"], card["period"]["end"]
    if day.isoformat() > end:
        return None
    for item in card["items"]:
        doc = docs.get(item["kpi"], {})
        credit, measure = doc.get("credit") or {}, PLAIN_MEASURE.match(doc.get("measure", ""))
        if not (accumulates(doc) and measure and "user_field" in credit and doc.get("filter")):
            continue
        return _open_records(doc, credit["user_field"], measure.group(2), card["user"]["id"], start, end)
    return None


def _date(text):
    year, month, day = (int(part) for part in str(text).split("-"))
    return f"DATE({year}, {month}, {day})"


def _open_records(doc, credit_field, argument, user_id, start, end):
    date_field = doc["date_field"]
    formula = f"{date_field} >= {_date(start)} && {date_field} <= {_date(end)} && NOT ({doc['filter']})"
    measures = ["count"] + ([f"sum:{argument}"] if argument else [])
    try:
        found = aggregate_records(runtime(), g.ctx, doc["object"], measures=measures,
                                  filters={credit_field: str(user_id)}, formula=formula)
    except RuntimeFailure:
        return None  # the reader may not read these records (or that field): nothing to say
    values = (found["groups"] or [{}])[0]
    _, model = _calendar_and_model()
    obj = model.objects[doc["object"]].doc
    label = localized(obj.get("plural_label") or obj.get("label"), page_locale(), doc["object"])
    total = values.get(f"sum_{argument}") if argument else None
    return values.get("count", 0), total, label


def explanation():
    """The explanation of one KPI of a scorecard (records behind it, paged) for the query's
    ``user``, ``period``, ``kpi``, ``scheme`` and ``cursor``."""
    args = {key: request.args[key] for key in ("user", "period", "kpi", "scheme", "cursor") if request.args.get(key)}
    args["limit"] = EXPLAIN_PAGE
    return runtime().scorecards.explain(g.ctx, args, locale=page_locale())
