"""Who may watch whose numbers: their own, the people below them, or everyone.

A user sees their own scorecard and those of the people below them, by the role
hierarchy (a role below one they hold) or by the manager chain (they manage the person,
directly or through others); a holder of ``manage_performance`` or an administrator sees
everyone. Anyone else is answered "not found", never "forbidden", so a scorecard's
existence does not leak.
"""

from sqlalchemy import select

from ..access.admin import manages_performance
from ..identity.units import descendants, tree
from ..schema.system_tables import user, user_role

MAX_DEPTH = 256


def reports_of(conn, manager_id):
    """The ids of everyone whose manager chain leads to ``manager_id`` (one query per level)."""
    found, level = set(), {manager_id}
    for _ in range(MAX_DEPTH):
        level = set(conn.execute(select(user.c.id).where(user.c.manager_id.in_(sorted(level)))).scalars()) - found
        if not level:
            break
        found |= level
    found.discard(manager_id)
    return found


def people_below(conn, ctx):
    """The ids of the people below ``ctx``'s user: holders of a role below theirs, and their reports."""
    below = reports_of(conn, ctx.user_id) if ctx.user_id is not None else set()
    if ctx.reach.subordinate_role_ids:
        query = select(user_role.c.user_id).where(user_role.c.role_id.in_(sorted(ctx.reach.subordinate_role_ids)))
        below |= set(conn.execute(query).scalars())
    below.discard(ctx.user_id)
    return below


def watches_everyone(ctx):
    """Whether ``ctx`` may see every person's numbers (manage_performance or administrator)."""
    return manages_performance(ctx)


def may_watch(conn, ctx, user_id):
    """Whether ``ctx`` may see ``user_id``'s scorecard and its explanation."""
    if watches_everyone(ctx) or user_id == ctx.user_id:
        return True
    return user_id in people_below(conn, ctx)


def team_and_below(conn, team_name):
    """The ids of the team called ``team_name`` and of every team below it (empty when unknown)."""
    units = tree(conn, "team")
    named = {team_id for team_id, (name, _) in units.items() if name == team_name}
    return named | descendants(units, named)


def members_of(conn, team_ids):
    """The ids of the active users in ``team_ids``."""
    if not team_ids:
        return set()
    query = select(user.c.id).where(user.c.team_id.in_(sorted(team_ids)), user.c.active.is_(True))
    return set(conn.execute(query).scalars())


def watched_subjects(conn, ctx):
    """(user ids, team ids) whose targets ``ctx`` may list without manage_performance: their
    own and the people below them; the teams whose every active member (sub-teams included)
    is one of those, as for team scorecards; and their own team."""
    people = people_below(conn, ctx) | ({ctx.user_id} if ctx.user_id is not None else set())
    units, members = tree(conn, "team"), members_by_team(conn)
    teams = set()
    for team_id in units:
        everyone = set().union(*(members.get(unit, set()) for unit in {team_id} | descendants(units, {team_id})))
        if everyone and everyone <= people:
            teams.add(team_id)
    teams |= {team_id for team_id, (name, _) in units.items() if ctx.team and name == ctx.team}
    return people, teams


def members_by_team(conn):
    """{team id: the ids of its active users} of every team with one, in one query."""
    members = {}
    query = select(user.c.id, user.c.team_id).where(user.c.active.is_(True), user.c.team_id.is_not(None))
    for row in conn.execute(query):
        members.setdefault(row.team_id, set()).add(row.id)
    return members
