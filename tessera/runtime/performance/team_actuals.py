"""Team actuals: what a team is credited with, for KPIs that add across people and those that do not.

A sum or a count adds up: the team's actual is the sum of its members' (a split deal
counts once). An average, minimum, maximum or distinct count does not: the team's value
is computed over the records credited to its members, in one grouped query per KPI
grouped by team (a team's average is the mean of its members' records, not the mean of
their averages; a value two members share is counted once). A ratio KPI's team value is
its formula over its parts' team values (a zero denominator gives None).
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from tessera.formula import compile_sql, compile_sql_filter

from ..schema.formulas import TableBinder
from ..schema.system_tables import user
from .actuals import (
    _aggregate,
    _credit,
    _scaled,
    _value,
    actuals,
    empty_value,
)
from .grouping import grouped_parts, union
from .kpis import kpi_definition

#: Measures whose team value is the sum of the members' values.
SUMMED = ("SUM", "COUNT")
#: Literal rows per SELECT compound (SQLite refuses compounds of more than 500 terms).
_CHUNK = 400


@dataclass(frozen=True)
class TeamScope:
    """A team as the engine reads it: its unit and every unit below (``units``) and their active members."""

    units: frozenset
    members: frozenset


class TeamActuals:
    """Per-person and per-team actuals of one period, each KPI computed once per request."""

    def __init__(self, conn, model, period, scopes, *, env, timezone):
        self.conn, self.model, self.period, self.scopes = conn, model, period, scopes
        self.env, self.timezone = env, timezone
        self.everyone = sorted(set().union(*(s.members for s in scopes.values()))) if scopes else []
        self._people, self._teams = {}, {}

    def people(self, kpi):
        """{user_id: actual} of every member of every team, for KPI ``kpi``."""
        if kpi not in self._people:
            found = actuals(self.conn, self.model, kpi, [self.period], self.everyone, env=self.env,
                            timezone=self.timezone) if self.everyone else {}
            self._people[kpi] = {user_id: value for (user_id, _), value in found.items()}
        return self._people[kpi]

    def teams(self, kpi):
        """{team name: actual or None} of KPI ``kpi``."""
        if kpi not in self._teams:
            self._teams[kpi] = self._compute(kpi_definition(self.model, kpi))
        return self._teams[kpi]

    def _compute(self, definition):
        if definition.derived is not None:
            parts = {name: self.teams(name) for name in definition.parts}
            return {team: _scaled(definition.evaluate({name: found[team] for name, found in parts.items()},
                                                      self.env), definition.scale)
                    for team in self.scopes}
        if definition.measure.function in SUMMED:
            values = self.people(definition.name)
            return {team: _scaled(sum((values.get(u) or Decimal(0) for u in scope.members), Decimal(0)),
                                  definition.scale)
                    for team, scope in self.scopes.items()}
        return grouped_by_team(self.conn, self.model, definition, self.period, self.scopes,
                               env=self.env, timezone=self.timezone)


def grouped_by_team(conn, model, definition, period, scopes, *, env, timezone):
    """{team name: value} of a measured KPI over the records credited to each team's active
    members (its units' and the units' below), one query grouped by team: a record counts
    once per team holding its person, so an average is over the team's records and a
    distinct count counts a value once. A team without records reads ``empty_value``."""
    names = sorted(scopes)
    found = {name: empty_value(definition) for name in names}
    rows = [(idx, unit) for idx, name in enumerate(names) for unit in sorted(scopes[name].units)]
    if not rows:
        return found
    doc, measure = definition.doc, definition.measure
    obj = model.objects[doc["object"]]
    binder = TableBinder(model, obj, env, conn.dialect.name)
    argument = compile_sql(measure.argument, binder, env) if measure.argument is not None else None
    conditions = [compile_sql_filter(definition.filter, binder, env)] if definition.filter is not None else []
    source, person, share = _credit(model, obj, binder, doc["credit"])
    member = user.alias("team_member")
    units = _unit_rows(rows)
    joined = (source.join(member, member.c.id == person)
              .join(units, units.c.unit_id == member.c.team_id))
    query = union(grouped_parts(obj, doc, binder, (joined, units.c.idx), [period], timezone,
                                _aggregate(measure, argument, share), [*conditions, member.c.active.is_(True)],
                                None))
    for row in conn.execute(query):
        found[names[row.person]] = _scaled(_value(measure, row, share is not None), definition.scale)
    return found


def _unit_rows(rows):
    """A derived table (idx, unit_id) of ``rows``, in UNION ALL compounds of at most ``_CHUNK``
    literal SELECTs (SQLite refuses compounds of more than 500 terms)."""
    selects = [sa.select(sa.literal(idx, sa.Integer()).label("idx"), sa.literal(unit, sa.Integer()).label("unit_id"))
               for idx, unit in rows]
    chunks = [sa.union_all(*part) if len(part) > 1 else part[0]
              for part in (selects[i:i + _CHUNK] for i in range(0, len(selects), _CHUNK))]
    if len(chunks) == 1:
        return chunks[0].subquery("team_units")
    return sa.union_all(*(sa.select(chunk.subquery()) for chunk in chunks)).subquery("team_units")
