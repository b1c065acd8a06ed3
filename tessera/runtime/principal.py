"""Building the Context of a user: directory facts, rights and token scope, read once per request."""

from sqlalchemy import select

from .context import Context, Reach, TokenScope
from .directory import ancestors, descendants, tree
from .directory_tables import role, user_permission_set, user_role
from .errors import AuthenticationFailed
from .rights import RIGHTS
from .systables import user


def _held_roles(conn, user_id):
    query = select(role.c.id, role.c.name).join(user_role, user_role.c.role_id == role.c.id)
    return dict(conn.execute(query.where(user_role.c.user_id == user_id)).all())


def reach_of(conn, user_row):
    """The Reach of a user: roles below theirs, roles they cover, their team and the teams above."""
    held = _held_roles(conn, user_row["id"])
    role_ids, covered_names, subordinate = set(held), set(held.values()), set()
    if held:
        roles = tree(conn, "role")
        subordinate = descendants(roles, held)
        role_ids |= subordinate
        covered_names |= {roles[r][0] for r in subordinate}
    team_ids, team_names = [], []
    if user_row["team_id"] is not None:
        teams = tree(conn, "team")
        team_ids = ancestors(teams, user_row["team_id"])
        team_names = [teams[t][0] for t in team_ids]
    reach = Reach(subordinate_role_ids=frozenset(subordinate), covered_role_ids=frozenset(role_ids),
                  covered_role_names=frozenset(covered_names), team_ids=frozenset(team_ids),
                  team_names=frozenset(team_names))
    return reach, sorted(held.values()), (team_names[0] if team_names else None)


def token_scope(token_row):
    """The TokenScope of a token row (None for an unscoped read-write token)."""
    if token_row is None:
        return None
    objects = frozenset(token_row["objects"]) if token_row["objects"] else None
    if token_row["scope"] == "read_write" and objects is None:
        return None
    return TokenScope(read_only=token_row["scope"] == "read", objects=objects)


def permission_set_names(conn, user_id):
    """The names of the permission sets assigned to ``user_id``."""
    query = select(user_permission_set.c.permission_set).where(user_permission_set.c.user_id == user_id)
    return sorted(conn.execute(query).scalars())


def context_for_user(conn, model, user_id, *, token=None, session_id=None, ip=None):
    """The Context of active user ``user_id`` under compiled ``model``.

    ``token`` is the token row the request authenticated with (its scope applies);
    raises AuthenticationFailed when the user is unknown or deactivated.
    """
    row = conn.execute(select(user).where(user.c.id == user_id)).mappings().first()
    if row is None or not row["active"]:
        raise AuthenticationFailed("this user is deactivated")
    reach, roles, team_name = reach_of(conn, row)
    sets = permission_set_names(conn, user_id)
    rights = RIGHTS.get(model, sets)
    return Context(
        user_id=row["id"], username=row["username"], is_admin=bool(row["is_admin"] or rights.is_admin),
        roles=tuple(roles), locale=row["locale"], token_id=token["id"] if token is not None else None,
        display_name=row["display_name"], team=team_name, manager_id=row["manager_id"],
        permission_sets=tuple(sets), rights=rights, reach=reach, scope=token_scope(token),
        session_id=session_id, ip=ip,
    )

