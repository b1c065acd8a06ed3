"""Team scorecards: a team and every team below it, as totals, never averages of percentages.

A team's actual is the sum of what is credited to its members (its own and its
sub-teams'): a deal split 60/40 between two members counts once, 100 %. Its target is
its own when set, otherwise its members' (``resolve_targets``); its attainment is the
total actual over the total target. One grouped query per KPI covers every member of
every team asked; additive measures only (SUM, COUNT, COUNT_DISTINCT per person): a
team's average or ratio is not a sum of its members' and is left without a value.
"""

from dataclasses import dataclass
from decimal import Decimal

from ..identity.units import tree
from .actuals import ADDITIVE, actuals
from .kpis import kpi_definition
from .scoring import Scoring, attainment, score_item, total
from .targets import resolve_targets
from .watching import members_of


@dataclass(frozen=True)
class TeamLine:
    """One KPI of a team: its scored figures and how many members reached their own target."""

    kpi: str
    actual: Decimal | None
    target: Decimal | None
    scored: object
    members: int
    at_or_above: int


def team_members(conn, team_ids):
    """{team id: set of active member ids of that team and every team below it}."""
    units = tree(conn, "team")
    children = {}
    for team_id, (_, parent) in units.items():
        children.setdefault(parent, []).append(team_id)
    found = {}
    for team_id in team_ids:
        subtree, pending = {team_id}, [team_id]
        while pending:
            for child in children.get(pending.pop(), ()):
                subtree.add(child)
                pending.append(child)
        found[team_id] = members_of(conn, subtree)
    return found


def _additive(definition):
    return definition.derived is None and definition.measure.function in ADDITIVE


def _reached(actual, target, direction):
    a, _ = attainment(actual, target, direction)
    return a is not None and a >= 1


def score_teams(conn, model, scheme, period, teams, *, env, timezone):
    """{team name: (lines, total, incomplete)} of ``teams`` ({name: member ids}) under ``scheme``."""
    everyone = sorted(set().union(*teams.values())) if teams else []
    lines = {name: [] for name in teams}
    for item in scheme.items:
        definition = kpi_definition(model, item["kpi"])
        direction = definition.doc.get("direction", "higher")
        values = actuals(conn, model, item["kpi"], [period], everyone, env=env, timezone=timezone) if everyone else {}
        targets = resolve_targets(conn, item["kpi"], period, users=everyone, teams=sorted(teams))
        for name, members in teams.items():
            own = [values.get((u, period.id)) for u in members]
            actual = sum((v for v in own if v is not None), Decimal(0)) if _additive(definition) else None
            target = targets[("team", name)].value
            scored = score_item(actual, target, weight=item["weight"], direction=direction,
                                scoring=Scoring.from_document(item.get("scoring")))
            reached = sum(1 for u in members
                          if _reached(values.get((u, period.id)), targets[("user", u)].value, direction))
            lines[name].append(TeamLine(item["kpi"], actual, target, scored, len(members), reached))
    return {name: (found, *total([line.scored for line in found], scheme.missing_target))
            for name, found in lines.items()}
