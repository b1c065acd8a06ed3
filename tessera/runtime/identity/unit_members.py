"""Who belongs to a team or holds a role: the members of one unit, for the people pages."""

from sqlalchemy import select

from ..schema.system_tables import user, user_role
from .units import find_unit

#: A unit's member list stops here (the users page pages through everyone).
MAX_MEMBERS = 200


def unit_members(conn, kind, name, *, limit=MAX_MEMBERS):
    """Up to ``limit`` users of team ``name`` (their team) or role ``name`` (holding it), by id:
    ``{"id", "username", "display_name", "active"}`` each. Raises DirectoryEntryNotFound."""
    unit_id = find_unit(conn, kind, name)["id"]
    columns = (user.c.id, user.c.username, user.c.display_name, user.c.active)
    if kind == "team":
        query = select(*columns).where(user.c.team_id == unit_id)
    else:
        query = select(*columns).join(user_role, user_role.c.user_id == user.c.id).where(user_role.c.role_id == unit_id)
    rows = conn.execute(query.order_by(user.c.id).limit(limit)).mappings()
    return [dict(row) for row in rows]
