"""Scorecard routes: a person's scorecard and a scheme's leaderboard."""

from flask import request

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import BOOLEAN, INTEGER, TEXT, obj, query
from .common import ctx, runtime
from .performance import PERIOD

NULLABLE_NUMBER = {"type": ["string", "null"], "description": "An exact decimal, or null."}
PERSON = obj(("id", "name"), id=INTEGER, name={"type": ["string", "null"]})
SCHEME = obj(("name", "version"), name=TEXT, version=INTEGER)
ITEM = obj(("kpi", "label", "actual", "target", "attainment", "score", "weight", "weighted_score", "flags"),
           kpi=TEXT, label=TEXT, actual=NULLABLE_NUMBER, target=NULLABLE_NUMBER, attainment=NULLABLE_NUMBER,
           score=NULLABLE_NUMBER, weight=TEXT, weighted_score=NULLABLE_NUMBER,
           flags={"type": "array", "items": {"enum": ["no_target", "zero_target", "gated", "capped", "floored",
                                                       "prorated"]}})
RANK = {"type": ["integer", "null"]}
SCORECARD = obj(("user", "period", "scheme", "items", "total", "incomplete", "rank", "ranked"),
                user=PERSON, period=PERIOD, scheme=SCHEME, items={"type": "array", "items": ITEM},
                total=NULLABLE_NUMBER, incomplete=BOOLEAN, rank=RANK, ranked=INTEGER)
LEADERBOARD = obj(("period", "scheme", "rows"), period=PERIOD, scheme=SCHEME,
                  rows={"type": "array", "items": obj(("user", "total", "rank"), user=PERSON,
                                                     total=NULLABLE_NUMBER, rank=RANK)})
PERIOD_PARAM = query("period", "A period id: 2026, 2026-H1, 2026-Q3, 2026-07.")
SCHEME_PARAM = query("scheme", "A KPI scheme's name; by default the one measuring the person.")


@operation("getScorecard", "Read a person's scorecard", tag="performance", returns=SCORECARD,
           parameters=(query("user", "The person's user id.", INTEGER),
                       query("team", "A team's name instead of a user: the team and every team below it."),
                       PERIOD_PARAM, SCHEME_PARAM))
def get_scorecard():
    """One person's (or team's) scored KPIs for a period: their own, people below them, anyone for KPI managers."""
    args, service = request.args, runtime().scorecards
    if "team" in args and "user" not in args:
        return json_response(service.team_scorecard(ctx(), args["team"], args.get("period"), args.get("scheme")))
    return json_response(service.scorecard(ctx(), args.get("user"), args.get("period"), args.get("scheme")))


@operation("getLeaderboard", "Read a scheme's leaderboard", tag="performance", returns=LEADERBOARD,
           parameters=(query("scheme", "The KPI scheme's name."), PERIOD_PARAM,
                       query("team", "Only people in this team or below it.")))
def get_leaderboard():
    """Names and totals of the people a scheme measures, ranked; never records."""
    args = request.args
    found = runtime().scorecards.leaderboard(ctx(), args.get("scheme"), args.get("period"), args.get("team"))
    return json_response(found)


def register(bp):
    """Add the scorecard routes to ``bp``."""
    bp.add_url_rule("/scorecards", "scorecards_get", get_scorecard, methods=["GET"])
    bp.add_url_rule("/leaderboard", "leaderboard_get", get_leaderboard, methods=["GET"])
