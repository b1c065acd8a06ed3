"""Building the Context of a user: directory facts, rights and token scope, read once per request.

``context_for_user`` reads everything from the database. Web requests go through a
``PrincipalCache`` instead: the user row and the token row are read fresh on every
request (deactivation, admin flag, team, revocation and expiry act at once), while the
directory facts derived from the other tables (held roles, the role and team trees,
permission-set assignments) are cached per process under a key holding the directory
version (``directory_version``) and the published revision. Every write that changes
those facts bumps the version in its own transaction, so no process serves a stale
principal after the write commits.
"""

import threading
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from ..context import Context, Reach, TokenScope
from . import version as directory_version
from .units import ancestors, descendants, tree
from ..schema.system_tables import role, user_permission_set, user_role
from ..errors import AuthenticationFailed
from ..access.rights import RIGHTS
from ..schema.system_tables import user


#: Cached principals kept per process before the cache starts over.
CACHE_SIZE = 4096
_HELD_ROLES = (select(role.c.id, role.c.name).join(user_role, user_role.c.role_id == role.c.id)
               .where(user_role.c.user_id == bindparam("user_id")))
_PERMISSION_SETS = (select(user_permission_set.c.permission_set)
                    .where(user_permission_set.c.user_id == bindparam("user_id")))
#: The user columns a Context is built from (read fresh on every request).
CONTEXT_USER_COLUMNS = ("id", "username", "display_name", "locale", "active", "is_admin", "team_id", "manager_id")
_USER_WITH_VERSION = select(*[user.c[name] for name in CONTEXT_USER_COLUMNS],
                            directory_version.version_column().label("directory_version")
                            ).where(user.c.id == bindparam("user_id"))


def _held_roles(conn, user_id):
    return dict(conn.execute(_HELD_ROLES, {"user_id": user_id}).all())


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
    return sorted(conn.execute(_PERMISSION_SETS, {"user_id": user_id}).scalars())


@dataclass(frozen=True)
class Principal:
    """What the directory says about a user beyond their own row: reach, roles, team name, sets."""

    reach: Reach
    roles: tuple
    team_name: str | None
    permission_sets: tuple


def load_principal(conn, user_row):
    """Read the Principal of ``user_row`` (needs its ``id`` and ``team_id``) from the directory."""
    reach, roles, team_name = reach_of(conn, user_row)
    return Principal(reach, tuple(roles), team_name, tuple(permission_set_names(conn, user_row["id"])))


def _check_active(row):
    if row is None or not row["active"]:
        raise AuthenticationFailed("auth.user.deactivated")


def build_context(model, row, principal, *, token=None, session_id=None, ip=None):
    """The Context of user ``row`` with ``principal`` under compiled ``model``."""
    rights = RIGHTS.get(model, principal.permission_sets)
    return Context(
        user_id=row["id"], username=row["username"], is_admin=bool(row["is_admin"] or rights.is_admin),
        roles=principal.roles, locale=row["locale"], token_id=token["id"] if token is not None else None,
        display_name=row["display_name"], team=principal.team_name, manager_id=row["manager_id"],
        permission_sets=principal.permission_sets, rights=rights, reach=principal.reach, scope=token_scope(token),
        session_id=session_id, ip=ip,
    )


def context_for_user(conn, model, user_id, *, token=None, session_id=None, ip=None):
    """The Context of active user ``user_id`` under compiled ``model``, read without any cache.

    ``token`` is the token row the request authenticated with (its scope applies);
    raises AuthenticationFailed when the user is unknown or deactivated.
    """
    row = conn.execute(select(user).where(user.c.id == user_id)).mappings().first()
    _check_active(row)
    return build_context(model, row, load_principal(conn, row), token=token, session_id=session_id, ip=ip)


def user_with_version(conn, user_id):
    """Return (user row or None, directory version) in one query."""
    row = conn.execute(_USER_WITH_VERSION, {"user_id": user_id}).mappings().first()
    if row is None:
        return None, directory_version.current(conn)
    return row, row["directory_version"]


class PrincipalCache:
    """Principals per (user, team, directory version), shared by the requests of one process.

    The key changes whenever anything a Principal holds may have changed: the directory
    version is bumped by every assignment and team/role write, and the team comes from the
    user row read on this very request. Rights are derived per published revision by
    ``RIGHTS``. Keep one cache per database (the app's Authenticator holds one).
    """

    def __init__(self, size=CACHE_SIZE):
        self._size = size
        self._entries = {}
        self._lock = threading.Lock()

    def principal(self, conn, user_row, version):
        """The Principal of ``user_row`` at directory ``version``, read on ``conn`` when not cached."""
        key = (user_row["id"], user_row["team_id"], version)
        found = self._entries.get(key)
        if found is None:
            found = load_principal(conn, user_row)
            with self._lock:
                if len(self._entries) >= self._size:
                    self._entries.clear()
                self._entries[key] = found
        return found

    def context(self, conn, model, user_row, version, *, token=None, session_id=None, ip=None):
        """The Context of ``user_row`` (fresh from this request) or AuthenticationFailed when inactive."""
        _check_active(user_row)
        principal = self.principal(conn, user_row, version)
        return build_context(model, user_row, principal, token=token, session_id=session_id, ip=ip)

    def clear(self):
        """Forget every cached principal."""
        with self._lock:
            self._entries.clear()
