"""KPI targets: stored per KPI, person or team and period, and resolved for scoring.

A target row is keyed by KPI, subject (a user or a team) and period (type and first day);
setting it again replaces the value. ``resolve_targets`` answers what a period's target
*is*: the one set for it, else the sum of its sub-periods' when all of them have one,
and for a team without its own, the sum of its members' and sub-teams'. Proration by
assignment days is the scorer's business, not this module's.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, delete, insert, or_, select, update

from tessera.metadata.store import utcnow

from ..errors import PerformanceEntryNotFound
from ..identity.units import descendants, tree
from ..schema.system_tables import kpi_target, user
from . import periods as P
from .inputs import is_id
from .kpis import DEFAULT_SCALE
from . import data_version


@dataclass(frozen=True)
class Target:
    """A resolved target: ``value`` (None when there is none), where it came from and how.

    ``source`` is "set" (``detail``: the target's id and period id), "sub_periods"
    (``detail``: the sub-period ids summed) or "team_members" (``detail``: the user ids
    and sub-team names whose targets were summed); None without a value.
    """

    value: Decimal | None
    source: str | None = None
    detail: dict | None = None


NO_TARGET = Target(None)


def kpi_scale(kpi_doc):
    """Decimal places of the KPI's values."""
    return kpi_doc.get("scale", DEFAULT_SCALE)


def stored_period(row):
    """The Period a target row was set for."""
    return P.Period(row.period, row.period_type, row.period_start, row.period_end)


def target_json(row, team_names):
    """The JSON form of a target row: ``{"id", "kpi", "user", "team", "period", "value"}``."""
    is_user = row.subject_type == "user"
    return {"id": row.id, "kpi": row.kpi, "user": row.subject_id if is_user else None,
            "team": None if is_user else team_names.get(row.subject_id),
            "period": stored_period(row).to_json(), "value": row.value}


def team_names(conn):
    """{team id: name} of every team."""
    return {team_id: name for team_id, (name, _) in tree(conn, "team").items()}


def write_target(conn, ctx, kpi, subject, period, value):
    """Set the target of (``kpi``, ``subject``, ``period``) to ``value``, replacing any; return
    (row id, whether it was created)."""
    key = and_(kpi_target.c.kpi == kpi, kpi_target.c.subject_type == subject[0],
               kpi_target.c.subject_id == subject[1], kpi_target.c.period_type == period.type,
               kpi_target.c.period_start == period.start)
    found = conn.execute(select(kpi_target.c.id).where(key)).scalar()
    values = {"value": str(value), "period": period.id, "period_end": period.end,
              "updated_by": ctx.user_id, "updated_at": utcnow()}
    if found is not None:
        conn.execute(update(kpi_target).where(kpi_target.c.id == found).values(**values))
        data_version.bump(conn)
        return found, False
    row = {"kpi": kpi, "subject_type": subject[0], "subject_id": subject[1], "period_type": period.type,
           "period_start": period.start, **values}
    data_version.bump(conn)
    return conn.execute(insert(kpi_target).returning(kpi_target.c.id), [row]).scalar_one(), True


def read_target(conn, target_id):
    """The target row ``target_id``; raises PerformanceEntryNotFound."""
    row = conn.execute(select(kpi_target).where(kpi_target.c.id == target_id)).first() \
        if is_id(target_id) else None
    if row is None:
        raise PerformanceEntryNotFound("performance.target.not_found", id=target_id)
    return row


def list_targets(conn, *, kpi=None, period=None, subject=None, visible=None, after=0, limit=100):
    """Target rows matching the filters, by id after ``after``; ``visible`` ((user ids, team
    ids)) limits them to what a non-manager may see."""
    query = select(kpi_target).where(kpi_target.c.id > after)
    if kpi is not None:
        query = query.where(kpi_target.c.kpi == kpi)
    if period is not None:
        query = query.where(kpi_target.c.period_type == period.type, kpi_target.c.period_start == period.start)
    for one in [subject] if subject is not None else []:
        query = query.where(kpi_target.c.subject_type == one[0], kpi_target.c.subject_id == one[1])
    if visible is not None:
        users, teams = visible
        query = query.where(or_(
            and_(kpi_target.c.subject_type == "user", kpi_target.c.subject_id.in_(sorted(users))),
            and_(kpi_target.c.subject_type == "team", kpi_target.c.subject_id.in_(sorted(teams)))))
    return conn.execute(query.order_by(kpi_target.c.id).limit(limit)).all()


def delete_target(conn, target_id):
    """Delete target ``target_id`` and return its row; raises PerformanceEntryNotFound."""
    row = read_target(conn, target_id)
    conn.execute(delete(kpi_target).where(kpi_target.c.id == row.id))
    data_version.bump(conn)
    return row


def resolve_targets(conn, kpi_name, period, *, users=(), teams=()):
    """{("user", id) | ("team", name): Target} of KPI ``kpi_name`` in ``period`` (a Period).

    A subject's target is the one set for the period; otherwise the sum of its
    sub-periods' targets when every one of them has one (recursively: a year from its
    halves, each from its quarters, ...). A team without its own target has the sum of
    the targets of its active members and of its sub-teams (each resolved the same way),
    counting those that have one; None when none has. Three queries, whatever the
    number of people or teams.
    """
    return resolve_many(conn, [kpi_name], period, users=users, teams=teams)[kpi_name]


def resolve_many(conn, kpi_names, period, *, users=(), teams=()):
    """{kpi: what ``resolve_targets`` answers} for each of ``kpi_names``, still three queries."""
    units = tree(conn, "team")
    by_name = {name: team_id for team_id, (name, _) in units.items()}
    asked = [by_name[name] for name in teams if name in by_name]
    team_ids = set(asked) | descendants(units, asked)
    members = _members(conn, team_ids)
    people = set(users) | {u for found in members.values() for u in found}
    rows = _rows(conn, kpi_names, period, people, team_ids)
    found = {}
    for kpi in kpi_names:
        resolver = _Resolver(rows.get(kpi, {}), units, members)
        result = {("user", u): resolver.own(("user", u), period) for u in users}
        for name in teams:
            result[("team", name)] = resolver.team(by_name[name], period) if name in by_name else NO_TARGET
        found[kpi] = result
    return found


def _members(conn, team_ids):
    """{team id: [active user ids]} of ``team_ids``."""
    found = {team_id: [] for team_id in team_ids}
    if team_ids:
        rows = conn.execute(select(user.c.id, user.c.team_id).where(user.c.team_id.in_(sorted(team_ids)),
                                                                    user.c.active.is_(True)).order_by(user.c.id))
        for row in rows:
            found[row.team_id].append(row.id)
    return found


def _rows(conn, kpi_names, period, people, team_ids):
    """{kpi: {((subject type, id), period type, first day): row}} of the targets inside ``period``."""
    subjects = []
    if people:
        subjects.append(and_(kpi_target.c.subject_type == "user", kpi_target.c.subject_id.in_(sorted(people))))
    if team_ids:
        subjects.append(and_(kpi_target.c.subject_type == "team", kpi_target.c.subject_id.in_(sorted(team_ids))))
    if not subjects:
        return {}
    t = kpi_target.c
    query = select(t.id, t.kpi, t.subject_type, t.subject_id, t.period, t.period_type, t.period_start, t.value).where(
        t.kpi.in_(sorted(set(kpi_names))), t.period_start >= period.start, t.period_end <= period.end, or_(*subjects))
    found = {}
    for row in conn.execute(query):
        found.setdefault(row.kpi, {})[((row.subject_type, row.subject_id), row.period_type, row.period_start)] = row
    return found


class _Resolver:
    """Resolves targets from the rows of one KPI, remembering each answer."""

    def __init__(self, rows, units, members):
        self.rows, self.units, self.members, self.memo = rows, units, members, {}
        self.children = {}
        for team_id, (_, parent) in units.items():
            self.children.setdefault(parent, []).append(team_id)

    def own(self, subject, period):
        """The subject's own target: set for the period, or the sum of complete sub-periods."""
        key = (subject, period.type, period.start)
        if key not in self.memo:
            self.memo[key] = self._own(subject, period)
        return self.memo[key]

    def _own(self, subject, period):
        row = self.rows.get((subject, period.type, period.start))
        if row is not None:
            return Target(Decimal(row.value), "set", {"id": row.id, "period": row.period})
        parts = P.children(period)
        found = [self.own(subject, part) for part in parts]
        if not parts or any(target.value is None for target in found):
            return NO_TARGET
        return Target(sum(t.value for t in found), "sub_periods", {"periods": [part.id for part in parts]})

    def team(self, team_id, period, seen=frozenset()):
        """A team's target: its own, else the sum of its members' and sub-teams' that have one."""
        own = self.own(("team", team_id), period)
        if own.value is not None or team_id in seen:
            return own
        people = [(u, self.own(("user", u), period)) for u in self.members.get(team_id, ())]
        teams = [(t, self.team(t, period, seen | {team_id})) for t in sorted(self.children.get(team_id, ()))]
        counted_people = [(u, t) for u, t in people if t.value is not None]
        counted_teams = [(self.units[i][0], t) for i, t in teams if t.value is not None]
        if not counted_people and not counted_teams:
            return NO_TARGET
        total = sum(t.value for _, t in counted_people + counted_teams)
        return Target(total, "team_members", {"users": [u for u, _ in counted_people],
                                              "teams": [name for name, _ in counted_teams]})
