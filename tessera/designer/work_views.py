"""The views of the reader's work: the approval inbox, the performance dashboard with the
explanation of its numbers, and feedback (mine, and triage for administrators)."""

from flask import g, request

from tessera.i18n import Message
from tessera.runtime.errors import ScorecardNotFound
from tessera.runtime.feedback.tables import KINDS, STATUSES

from . import approvals_pages, feedback_pages, kpi_view
from . import performance_pages as perf
from .insights import card_insights
from .render import page


def inbox():
    """The reader's pending approval work items, with approve / reject / reassign."""
    rows, next_cursor, done = approvals_pages.inbox_rows()
    return page("app/approvals.html", rows=rows, next_cursor=next_cursor, done=done,
                 cursor=request.args.get("cursor"))


def _own(user):
    return user is None or user == str(g.ctx.user_id)


def performance():
    """My scorecard (or, as the API allows, someone else's): items with attainment bars, the
    weighted total, the trend, the leaderboard the scheme allows and coaching insights."""
    user, period = request.args.get("user") or None, request.args.get("period") or None
    try:
        found = perf.current_card(user, period)
    except ScorecardNotFound:
        if not _own(user):
            raise
        return page("app/performance.html", card=None)
    card = found["scorecard"]
    docs, day = perf.kpi_documents(card), perf.today()
    points = perf.trend(card)
    bars, slot = kpi_view.trend_bars(points, card["period"]["id"])
    insights = card_insights(card, docs, day)
    open_records = perf.pipeline(card, docs, day)
    if open_records and open_records[0]:
        count, total, label = open_records
        insights.append(Message("ui.insight.pipeline" if total else "ui.insight.pipeline_count", count=count,
                                object=label, amount=kpi_view.number(total, 2) if total else "",
                                period=card["period"]["id"]))
    return page("app/performance.html", card=card, docs=docs, kv=kpi_view, bars=bars, slot=slot,
                 target_y=kpi_view.target_line_y(points), board=found["leaderboard"], insights=insights,
                 own=_own(user), scheme_label=perf.scheme_label(card))


def explain():
    """The records (paged) and arithmetic behind one number of a scorecard."""
    found = perf.explanation()
    return page("app/explain.html", ex=found, kv=kpi_view, unit=None,
                 query={k: request.args.get(k) for k in ("user", "period", "kpi", "scheme")})


def my_feedback():
    """What the reader wrote and where triage put it."""
    return page("app/my_feedback.html", found=feedback_pages.mine(), kinds=KINDS)


def feedback_triage():
    """Every entry, filtered by status, each with its triage form (administrators)."""
    found, status, counts = feedback_pages.triage_list()
    return page("app/feedback_triage.html", found=found, status=status, counts=counts, statuses=STATUSES)


def add_work_pages(bp):
    """Register the work pages on the ``ui`` blueprint."""
    bp.add_url_rule("/approvals", "approvals", inbox)
    bp.add_url_rule("/performance", "performance", performance)
    bp.add_url_rule("/performance/explain", "explain", explain)
    bp.add_url_rule("/feedback", "my_feedback", my_feedback)
    bp.add_url_rule("/feedback/triage", "feedback_triage", feedback_triage)
