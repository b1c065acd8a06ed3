"""KPI schemes as published over time: which version applies to a period, and who it measures.

Every published version of a scheme is kept (``store.published_history``). The version
that applies to a period is the newest published one whose ``effective_from`` is on or
before the period's first day; a version naming a later date changes nothing before
that date, so a scheme replaced from Q3 leaves Q1 and Q2 exactly as they were. A scheme
deleted by a publish applies to no period starting after the day it was deleted.
"""

from dataclasses import dataclass

from sqlalchemy import select

from tessera.metadata import store
from tessera.metadata.kpi_schemes import parse_day

from ..identity.units import descendants, tree
from ..schema.system_tables import role, user, user_role


@dataclass(frozen=True)
class SchemeVersion:
    """One published version of a scheme, with the defaults of the fields it leaves out."""

    name: str
    version: int
    doc: dict

    @property
    def period_type(self):
        """The periods the scheme scores."""
        return self.doc["period_type"]

    @property
    def effective_from(self):
        """The first day this version applies from."""
        return parse_day(self.doc["effective_from"])

    @property
    def effective_to(self):
        """The last day the scheme applies to, or None."""
        return parse_day(self.doc["effective_to"]) if self.doc.get("effective_to") else None

    @property
    def missing_target(self):
        """``incomplete`` (default) or ``renormalize``."""
        return self.doc.get("missing_target", "incomplete")

    @property
    def proration(self):
        """``days`` (default) or ``none``."""
        return self.doc.get("proration", "days")

    @property
    def leaderboard(self):
        """``team`` (default), ``all`` or ``managers``."""
        return self.doc.get("leaderboard", "team")

    @property
    def items(self):
        """The scheme's items as written."""
        return self.doc["items"]

    def range_holds(self, day):
        """Whether ``day`` is inside the scheme's effective range."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def to_json(self):
        """``{"name", "version"}``, how answers name the scheme they were computed under."""
        return {"name": self.name, "version": self.version}


def history(conn, name=None):
    """{scheme name: [(version, body or None, day published)]}, oldest first."""
    found = {}
    for row in store.published_history(conn, "kpi_scheme", name):
        found.setdefault(row["name"], []).append((row["version"], row["body"], row["published_at"].date()))
    return found


def version_for(name, versions, period):
    """The SchemeVersion of scheme ``name`` that applies to ``period`` (given its ``versions``
    from ``history``), or None: none in force on its first day, or of another period type."""
    chosen = None
    for version, body, published_on in versions:
        if body is None:
            chosen = None if published_on < period.start else chosen
        elif parse_day(body["effective_from"]) <= period.start:
            chosen = SchemeVersion(name, version, body)
    if chosen is None or chosen.period_type != period.type or not chosen.range_holds(period.start):
        return None
    return chosen


def schemes_for_period(conn, period, name=None):
    """{name: SchemeVersion} of every scheme (or only ``name``) that applies to ``period``."""
    found = {}
    for scheme_name, versions in history(conn, name).items():
        chosen = version_for(scheme_name, versions, period)
        if chosen is not None:
            found[scheme_name] = chosen
    return found


def applies_to_users(conn, applies_to):
    """The ids of the active users a scheme's ``applies_to`` names: holders of its roles,
    members of its teams or of teams below them, and its users (by id or username)."""
    applies_to = applies_to or {}
    ids = set()
    if applies_to.get("roles"):
        query = (select(user_role.c.user_id).join(role, role.c.id == user_role.c.role_id)
                 .where(role.c.name.in_(applies_to["roles"])))
        ids |= set(conn.execute(query).scalars())
    if applies_to.get("teams"):
        teams = tree(conn, "team")
        named = {team_id for team_id, (team_name, _) in teams.items() if team_name in applies_to["teams"]}
        team_ids = named | descendants(teams, named)
        ids |= set(conn.execute(select(user.c.id).where(user.c.team_id.in_(sorted(team_ids)))).scalars())
    listed = applies_to.get("users") or []
    numbers = [u for u in listed if isinstance(u, int)]
    names = [u for u in listed if isinstance(u, str)]
    if numbers or names:
        query = select(user.c.id).where(user.c.id.in_(numbers) | user.c.username.in_(names))
        ids |= set(conn.execute(query).scalars())
    if not ids:
        return set()
    active = select(user.c.id).where(user.c.id.in_(sorted(ids)), user.c.active.is_(True))
    return set(conn.execute(active).scalars())


__all__ = ["SchemeVersion", "applies_to_users", "history", "schemes_for_period", "version_for"]
