"""Scorecard routes: a person's scorecard and a scheme's leaderboard."""

from flask import request

from ..jsonio import json_response
from ..openapi import operation
from ..problems import request_locale
from ..openapi.components import BOOLEAN, INTEGER, TEXT, obj, query
from .common import ctx, runtime
from .performance import PERIOD, PERIOD_ID

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
TEAM_ITEM = {**ITEM, "properties": {**ITEM["properties"], "members": INTEGER, "members_at_or_above_target": INTEGER},
             "required": ITEM["required"] + ["members", "members_at_or_above_target"]}
TEAM = obj(("team", "items", "total", "incomplete"), team=TEXT, items={"type": "array", "items": TEAM_ITEM},
           total=NULLABLE_NUMBER, incomplete=BOOLEAN)
TEAM_CARD = {**TEAM, "properties": {**TEAM["properties"], "period": PERIOD, "scheme": SCHEME,
                                    "teams": {"type": "array", "items": TEAM}},
             "required": TEAM["required"] + ["period", "scheme", "teams"]}
LEADERBOARD = obj(("period", "scheme", "rows"), period=PERIOD, scheme=SCHEME,
                  rows={"type": "array", "items": obj(("user", "total", "rank"), user=PERSON,
                                                     total=NULLABLE_NUMBER, rank=RANK)})
NAME = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
PERIOD_PARAM = {**query("period", "A period id: 2026, 2026-H1, 2026-Q3, 2026-07.", PERIOD_ID["schema"]),
                "required": True}
SCHEME_PARAM = query("scheme", "A KPI scheme's name; by default the one measuring the person.", NAME)
USER_PARAM = query("user", "The person's user id; yourself when left out.",
                   {"type": "integer", "minimum": 1, "maximum": 999999999999999999})
TEAM_PARAM = query("team", "A team's name: only people in this team or below it.", {"type": "string", "minLength": 1})


@operation("getScorecard", "Read a person's or a team's scorecard", tag="performance",
           returns={"oneOf": [SCORECARD, TEAM_CARD]},
           parameters=(USER_PARAM, {**TEAM_PARAM, "description": "A team's name instead of a user: the team "
                                                                  "and every team below it."},
                       PERIOD_PARAM, SCHEME_PARAM))
def get_scorecard():
    """One person's (or team's) scored KPIs for a period: their own, people below them, anyone for KPI managers."""
    args, service = request.args, runtime().scorecards
    if "team" in args and "user" not in args:
        return json_response(service.team_scorecard(ctx(), args["team"], args.get("period"), args.get("scheme"),
                                                     locale=request_locale()))
    return json_response(service.scorecard(ctx(), args.get("user"), args.get("period"), args.get("scheme"),
                                           locale=request_locale()))


@operation("getLeaderboard", "Read a scheme's leaderboard", tag="performance", returns=LEADERBOARD,
           parameters=({**query("scheme", "The KPI scheme's name.", NAME), "required": True}, PERIOD_PARAM,
                       TEAM_PARAM))
def get_leaderboard():
    """Names and totals of the people a scheme measures, ranked; never records."""
    args = request.args
    found = runtime().scorecards.leaderboard(ctx(), args.get("scheme"), args.get("period"), args.get("team"))
    return json_response(found)


EXPLAIN_LINE = {"type": "object", "description": "A record or adjustment with its date, value, share and contribution."}
EXPLAIN = obj(("user", "period", "scheme", "kpi", "actual", "target", "target_source", "arithmetic", "sentence",
               "lines", "adjustments", "next_cursor"),
              user=PERSON, period=PERIOD, scheme=SCHEME, kpi=obj(("name", "label"), name=TEXT, label=TEXT),
              actual=NULLABLE_NUMBER, target=NULLABLE_NUMBER, target_source={"type": "object"},
              arithmetic={"type": "object"}, sentence=TEXT,
              lines={"type": "array", "items": EXPLAIN_LINE}, adjustments={"type": "array", "items": EXPLAIN_LINE},
              next_cursor={"type": ["string", "null"]})


@operation("explainScorecard", "Explain one KPI of a scorecard", tag="performance", returns=EXPLAIN,
           parameters=(USER_PARAM, PERIOD_PARAM, {**query("kpi", "A KPI of the scheme.", NAME), "required": True},
                       SCHEME_PARAM, query("cursor", "The next_cursor of the previous page."),
                       query("limit", "Lines per page (default 50).", {"type": "integer", "minimum": 1,
                                                                        "maximum": 1000})))
def explain_scorecard():
    """The records and adjustments behind an actual, the target's source and the arithmetic to the score."""
    return json_response(runtime().scorecards.explain(ctx(), request.args, locale=request_locale()))


def register(bp):
    """Add the scorecard routes to ``bp``."""
    bp.add_url_rule("/scorecards", "scorecards_get", get_scorecard, methods=["GET"])
    bp.add_url_rule("/scorecards/explain", "scorecards_explain", explain_scorecard, methods=["GET"])
    bp.add_url_rule("/leaderboard", "leaderboard_get", get_leaderboard, methods=["GET"])
