"""User accounts: creation, profiles, passwords, activation.

Tokens live in ``tokens`` and are re-exported here for the callers that predate it.
Team, role, manager and permission-set assignments live in ``assignments``.
"""

import re

from sqlalchemy import insert, select, update

from tessera.i18n import LOCALES, Message
from tessera.metadata.store import utcnow

from ..audit import log as audit
from ..schema.system_tables import role, team, user_permission_set, user_role
from ..errors import DirectoryEntryNotFound, RecordInvalid
from .passwords import hash_password
from . import version as directory_version
from ..fields.serialize import to_json
from ..fields.values import EMAIL as EMAIL_TEXT
from ..schema.system_tables import user
from .tokens import TOKEN_PREFIX, authenticate_token, create_token, hash_token, touch_token  # noqa: F401

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,149}$")
EMAIL = re.compile(EMAIL_TEXT)
PROFILE_FIELDS = ("display_name", "email", "locale")


def check_profile(values):
    """Raise RecordInvalid naming every profile value (display name, email, locale) that is bad."""
    errors = {}
    name = values.get("display_name")
    if "display_name" in values and (not isinstance(name, str) or not 0 < len(name.strip()) <= 255):
        errors["display_name"] = [Message("input.text_length", min=1, max=255)]
    email = values.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.fullmatch(email)):
        errors["email"] = [Message("identity.user.email_invalid")]
    if "locale" in values and values["locale"] not in LOCALES:
        errors["locale"] = [Message("input.one_of", choices=", ".join(LOCALES))]
    if errors:
        raise RecordInvalid("identity.user.invalid", errors=errors)


def create_user(conn, username, *, display_name=None, email=None, is_admin=False, locale="en",
                password=None, active=True):
    """Create a user and return its id; a bad or taken username raises."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise RecordInvalid("identity.username.invalid", errors={"username": [Message("identity.username.shape")]})
    if conn.execute(select(user.c.id).where(user.c.username == username)).first():
        raise RecordInvalid("identity.user.exists", username=username, errors={"username": [Message("input.taken")]})
    check_profile({"display_name": display_name or username, "email": email, "locale": locale})
    flags = {"is_admin": is_admin, "active": active}
    bad = [k for k, v in flags.items() if not isinstance(v, bool)]
    if bad:
        raise RecordInvalid("identity.user.invalid", errors={k: [Message("input.invalid.boolean_flag")] for k in bad})
    row = {"username": username, "display_name": display_name or username, "email": email,
           "is_admin": bool(is_admin), "active": bool(active), "locale": locale, "created_at": utcnow(),
           "password_hash": None if password is None else hash_password(password)}
    new_id = conn.execute(insert(user).returning(user.c.id), [row]).scalar_one()
    directory_version.bump(conn, directory_version.PEOPLE_COUNTER)
    return new_id


def find_user(conn, username):
    """Return the user row called ``username`` or None."""
    if not isinstance(username, str):
        return None
    return conn.execute(select(user).where(user.c.username == username)).mappings().first()


def get_user(conn, user_id):
    """Return the user row with ``user_id`` or raise DirectoryEntryNotFound."""
    row = None
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        row = conn.execute(select(user).where(user.c.id == user_id)).mappings().first()
    if row is None:
        raise DirectoryEntryNotFound("identity.user.not_found", id=user_id)
    return row


def user_json(conn, row):
    """The JSON profile of a user: account, team, roles, manager and permission sets."""
    roles = conn.execute(select(role.c.name).join(user_role, user_role.c.role_id == role.c.id)
                         .where(user_role.c.user_id == row["id"]).order_by(role.c.name)).scalars().all()
    sets = conn.execute(select(user_permission_set.c.permission_set)
                        .where(user_permission_set.c.user_id == row["id"])
                        .order_by(user_permission_set.c.permission_set)).scalars().all()
    team_name = None
    if row["team_id"] is not None:
        team_name = conn.execute(select(team.c.name).where(team.c.id == row["team_id"])).scalar_one_or_none()
    return {"id": row["id"], "username": row["username"], "display_name": row["display_name"],
            "email": row["email"], "locale": row["locale"], "active": row["active"], "is_admin": row["is_admin"],
            "team": team_name, "roles": list(roles), "manager": row["manager_id"], "permission_sets": list(sets),
            "created_at": to_json(row["created_at"]), "updated_at": to_json(row["updated_at"])}


def list_users(conn, *, after_id=0, limit=50, active=None):
    """Up to ``limit`` users with an id above ``after_id``, by id, as JSON."""
    query = select(user).where(user.c.id > after_id)
    if active is not None:
        query = query.where(user.c.active == active)
    rows = conn.execute(query.order_by(user.c.id).limit(limit)).mappings().all()
    return [user_json(conn, row) for row in rows]


def write_user(conn, user_id, values):
    """Store ``values`` on the user row, stamping the change time."""
    conn.execute(update(user).where(user.c.id == user_id).values(**values, updated_at=utcnow()))
    directory_version.bump(conn, directory_version.PEOPLE_COUNTER)


def set_password(conn, ctx, user_id, password):
    """Replace a user's password (after the policy check) and audit it."""
    row = get_user(conn, user_id)
    write_user(conn, user_id, {"password_hash": hash_password(password)})
    audit.record(conn, "user.password_changed", ctx, subject=row["username"])


def set_active(conn, ctx, user_id, active):
    """Activate or deactivate a user; a deactivated user's tokens and sessions stop working."""
    row = get_user(conn, user_id)
    if row["active"] != bool(active):
        write_user(conn, user_id, {"active": bool(active)})
        audit.record(conn, "user.activated" if active else "user.deactivated", ctx, subject=row["username"])
