"""Who a rule or a pool names: the active members of a team or role, the user of a pool, and
whether a context belongs to a pool (reached the way a share to the same grantee reaches it)."""

from sqlalchemy import and_, select

from ..schema.system_tables import role, team, user, user_role
from .tables import insert_missing

POOL_USER_PREFIX = "pool:"


def active_members(conn, *, team_name=None, role_name=None):
    """The ids of the active users directly in team ``team_name`` or holding role ``role_name``,
    ascending; an unknown team or role has none."""
    query = select(user.c.id).where(user.c.active.is_(True)).order_by(user.c.id)
    if team_name is not None:
        query = query.join(team, and_(team.c.id == user.c.team_id, team.c.name == team_name))
    else:
        query = (query.join(user_role, user_role.c.user_id == user.c.id)
                 .join(role, and_(role.c.id == user_role.c.role_id, role.c.name == role_name)))
    return list(conn.execute(query).scalars())


def members_of(conn, spec):
    """The candidates of ``{"team": name}`` or ``{"role": name}``."""
    return active_members(conn, team_name=spec.get("team"), role_name=spec.get("role"))


def pool_user(conn, pool_name, now):
    """The id of the inactive user that owns pool ``pool_name``'s waiting records (created on
    first use; its username ``pool:<name>`` is one no person can have)."""
    username = POOL_USER_PREFIX + pool_name
    insert_missing(conn, user, ["username"], {"username": username, "display_name": pool_name, "active": False,
                                              "is_admin": False, "locale": "en", "created_at": now})
    return conn.execute(select(user.c.id).where(user.c.username == username)).scalar_one()


def grantees(conn, members):
    """``[(grantee type, grantee id)]`` of a pool's members, as record shares name them (a team
    or role that does not exist is left out)."""
    found = []
    for member in members:
        kind, value = next(iter(member.items()))
        if kind == "user":
            found.append(("user", value))
            continue
        table = team if kind == "team" else role
        unit_id = conn.execute(select(table.c.id).where(table.c.name == value)).scalar_one_or_none()
        if unit_id is not None:
            found.append((kind, unit_id))
    return found


def is_member(conn, ctx, members):
    """Whether ``ctx`` is one of ``members``: named as a user, in a named team or one below it,
    or holding a named role or one above it (as shares reach people)."""
    reach = ctx.reach
    for kind, unit_id in grantees(conn, members):
        if (kind == "user" and unit_id == ctx.user_id or kind == "team" and unit_id in reach.team_ids
                or kind == "role" and unit_id in reach.covered_role_ids):
            return True
    return False
