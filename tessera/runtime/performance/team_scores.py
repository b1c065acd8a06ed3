"""Team scorecards: a team and every team below it, as totals, never averages of percentages.

A team's actual is the sum of what is credited to its members (its own and its
sub-teams'): a deal split 60/40 between two members counts once, 100 %. Its target is
its own when set, otherwise its members' (``resolve_targets``); its attainment is the
total actual over the total target. One grouped query per KPI covers every member of
every team asked; a team's average, minimum, maximum or distinct count is computed over
its members' records and its ratio from its parts' team values (``team_actuals``).
"""

from dataclasses import dataclass
from decimal import Decimal

from ..identity.units import tree
from .kpis import kpi_definition
from .scoring import Scoring, attainment, score_item, total
from .targets import resolve_targets
from .team_actuals import SUMMED, TeamActuals, TeamScope
from .watching import members_by_team


@dataclass(frozen=True)
class TeamLine:
    """One KPI of a team: its scored figures and how many members reached their own target."""

    kpi: str
    actual: Decimal | None
    target: Decimal | None
    scored: object
    members: int
    at_or_above: int


def team_scopes(conn, team_ids):
    """{team id: TeamScope of that team and every team below it: their ids and active members}
    (two queries whatever the number of teams)."""
    units, by_team = tree(conn, "team"), members_by_team(conn)
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
        found[team_id] = TeamScope(frozenset(subtree), frozenset().union(*(by_team.get(u, ()) for u in subtree)))
    return found


def _reached(actual, target, direction):
    a, _ = attainment(actual, target, direction)
    return a is not None and a >= 1


def _team_target(resolved, definition):
    """The team's target value: a sum of its members' targets only for a KPI whose team actual is
    the sum of theirs (four reps' 8 % discount targets are not a team target of 32 %)."""
    if resolved.source == "team_members" and not (definition.derived is None
                                                  and definition.measure.function in SUMMED):
        return None
    return resolved.value


def score_teams(conn, model, scheme, period, teams, *, env, timezone):
    """{team name: (lines, total, incomplete)} of ``teams`` ({name: TeamScope}) under ``scheme``."""
    found = TeamActuals(conn, model, period, teams, env=env, timezone=timezone)
    everyone = found.everyone
    lines = {name: [] for name in teams}
    for item in scheme.items:
        definition = kpi_definition(model, item["kpi"])
        direction = definition.doc.get("direction", "higher")
        values, team_values = found.people(item["kpi"]), found.teams(item["kpi"])
        targets = resolve_targets(conn, item["kpi"], period, users=everyone, teams=sorted(teams))
        for name, scope in teams.items():
            target = _team_target(targets[("team", name)], definition)
            scored = score_item(team_values[name], target, weight=item["weight"], direction=direction,
                                scoring=Scoring.from_document(item.get("scoring")))
            reached = sum(1 for u in scope.members
                          if _reached(values.get(u), targets[("user", u)].value, direction))
            lines[name].append(TeamLine(item["kpi"], team_values[name], target, scored, len(scope.members),
                                        reached))
    return {name: (found, *total([line.scored for line in found], scheme.missing_target))
            for name, found in lines.items()}
