"""Changing users: administrators assign teams, roles, managers and permission sets;
everyone may change their own display name, email and locale, and nothing else.
"""

from sqlalchemy import delete, insert, select

from tessera.i18n import Message
from tessera.metadata import store

from ..audit import log as audit

from . import version as directory_version
from .units import find_unit
from ..schema.system_tables import user_permission_set, user_role
from ..errors import DirectoryConflict, DirectoryEntryNotFound, PermissionDenied, RecordInvalid
from .users import PROFILE_FIELDS, check_profile, get_user, set_active, set_password, user_json, write_user
from ..fields.serialize import is_record_id
from ..schema.system_tables import user

ASSIGNMENTS = ("team", "roles", "manager", "permission_sets")
ADMIN_FIELDS = frozenset(PROFILE_FIELDS + ASSIGNMENTS + ("active", "is_admin", "password"))
MAX_CHAIN = 256


def _names(value, label):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 200:
        raise RecordInvalid("identity.names_shape", field=label, errors={label: [Message("input.list_of_names")]})
    return sorted(set(value))


def _set_roles(conn, user_id, names):
    ids = [find_unit(conn, "role", name)["id"] for name in _names(names, "roles")]
    conn.execute(delete(user_role).where(user_role.c.user_id == user_id))
    if ids:
        conn.execute(insert(user_role), [{"user_id": user_id, "role_id": rid} for rid in ids])


def _set_permission_sets(conn, user_id, names):
    names = _names(names, "permission_sets")
    published = store.list_documents(conn, "permission_set", published=True)
    missing = [n for n in names if ("permission_set", n) not in published]
    if missing:
        raise RecordInvalid("identity.permission_set.not_published",
                            errors={"permission_sets": [Message("identity.permission_set.missing", name=n) for n in missing]})
    conn.execute(delete(user_permission_set).where(user_permission_set.c.user_id == user_id))
    if names:
        conn.execute(insert(user_permission_set), [{"user_id": user_id, "permission_set": n} for n in names])


def _check_manager(conn, user_id, manager_id):
    if manager_id is None:
        return None
    if not is_record_id(manager_id):
        raise RecordInvalid("identity.manager.shape", errors={"manager": [Message("input.user_id_or_null")]})
    try:
        get_user(conn, manager_id)
    except DirectoryEntryNotFound:
        raise RecordInvalid("identity.manager.not_found",
                            errors={"manager": [Message("identity.user.not_found", id=manager_id)]}) from None
    seen, current = set(), manager_id
    while current is not None and current not in seen and len(seen) < MAX_CHAIN:
        if current == user_id:
            raise DirectoryConflict("identity.manager.cycle", errors={"manager": [Message("input.cycle")]})
        seen.add(current)
        current = conn.execute(select(user.c.manager_id).where(user.c.id == current)).scalar_one_or_none()
    return manager_id


def _assign(conn, user_id, changes):
    """Apply the assignment part of ``changes``; return the user-row values to write.

    Role and permission-set assignments move the directory version on, so every
    process's cached principal of this user is rebuilt on its next request.
    """
    values = {}
    if any(k in changes for k in ("roles", "permission_sets")):
        directory_version.bump(conn)
    if "team" in changes:
        values["team_id"] = None if changes["team"] is None else find_unit(conn, "team", changes["team"])["id"]
    if "manager" in changes:
        values["manager_id"] = _check_manager(conn, user_id, changes["manager"])
    if "roles" in changes:
        _set_roles(conn, user_id, changes["roles"])
    if "permission_sets" in changes:
        _set_permission_sets(conn, user_id, changes["permission_sets"])
    return values


def _check_self_change(ctx, user_id, changes):
    if user_id == ctx.user_id and (changes.get("active") is False or changes.get("is_admin") is False):
        raise PermissionDenied("identity.self_lockout")


def update_user(conn, ctx, user_id, changes):
    """Apply an administrator's ``changes`` to a user (profile, assignments, flags, password)."""
    unknown = sorted(set(changes) - ADMIN_FIELDS)
    if unknown:
        raise RecordInvalid("identity.user.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
    row = get_user(conn, user_id)
    _check_self_change(ctx, user_id, changes)
    profile = {k: changes[k] for k in PROFILE_FIELDS if k in changes}
    check_profile(profile)
    values = {**profile, **_assign(conn, user_id, changes)}
    if "is_admin" in changes:
        if not isinstance(changes["is_admin"], bool):
            raise RecordInvalid("identity.user.flag_shape", field="is_admin", errors={"is_admin": [Message("input.must_be_boolean")]})
        values["is_admin"] = changes["is_admin"]
    write_user(conn, user_id, values)
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise RecordInvalid("identity.user.flag_shape", field="active", errors={"active": [Message("input.must_be_boolean")]})
        set_active(conn, ctx, user_id, changes["active"])
    if "password" in changes:
        set_password(conn, ctx, user_id, changes["password"])
    changed = sorted(set(changes) - {"password", "active"})
    if changed:
        audit.record(conn, "user.updated", ctx, subject=row["username"],
                     details={k: changes[k] for k in changed})
    return user_json(conn, get_user(conn, user_id))


def update_own_profile(conn, ctx, changes):
    """Change the caller's own display name, email or locale; any other field is refused (403)."""
    forbidden = sorted(set(changes) - set(PROFILE_FIELDS))
    if forbidden:
        raise PermissionDenied("identity.user.own_profile_only",
                               errors={k: [Message("identity.user.admin_only_field")] for k in forbidden})
    check_profile(changes)
    write_user(conn, ctx.user_id, dict(changes))
    return user_json(conn, get_user(conn, ctx.user_id))

