"""The accounts service: creating users, changing them, their passwords and activation.

Each operation checks who may do it, then validates, writes and audits in one
transaction, whoever calls it (the API, the CLI, a job or a plugin). A user is named by
id or by username (``resolve_user``).
"""

from tessera.i18n import Message

from ..access.admin import require_admin
from ..audit import log as audit
from ..errors import DirectoryEntryNotFound, PermissionDenied, RecordInvalid
from .assignments import ADMIN_FIELDS, update_own_profile, update_user
from .passwords import verify_password
from .users import create_user, find_user, get_user, set_active, set_password, user_json

CREATE_FIELDS = ("display_name", "email", "locale", "password", "is_admin", "active")
ASSIGNMENTS = ("team", "roles", "manager", "permission_sets")
#: The administrator ``initialise`` creates.
ADMINISTRATOR = "admin"
SELF_CHANGE = "you cannot deactivate yourself or drop your own administrator right"


def resolve_user(conn, user):
    """The user row named by ``user``: an id or a username; raise DirectoryEntryNotFound."""
    if isinstance(user, str):
        found = find_user(conn, user)
        if found is None:
            raise DirectoryEntryNotFound("identity.user.missing", username=user)
        return found
    return get_user(conn, user)


def add_user(conn, ctx, values):
    """Create the user ``values`` describe, with their assignments; audit it; return the profile."""
    unknown = sorted(set(values) - ADMIN_FIELDS - {"username"})
    if unknown:
        raise RecordInvalid("identity.user.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
    user_id = create_user(conn, values.get("username"), **{k: values[k] for k in CREATE_FIELDS if k in values})
    audit.record(conn, "user.created", ctx, subject=values.get("username"),
                 details={"is_admin": values.get("is_admin", False)})
    assignments = {k: values[k] for k in ASSIGNMENTS if k in values}
    if assignments:
        return update_user(conn, ctx, user_id, assignments)
    return user_json(conn, get_user(conn, user_id))


class AccountService:
    """User operations over one runtime's database."""

    def __init__(self, runtime):
        self.runtime = runtime

    def initialise(self, ctx):
        """Create the administrator ``admin`` unless it exists; True when it was created."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            if find_user(conn, ADMINISTRATOR) is not None:
                return False
            add_user(conn, ctx, {"username": ADMINISTRATOR, "display_name": "Administrator", "is_admin": True})
            return True

    def create(self, ctx, values):
        """Create a user with profile, password and assignments, all or nothing; return the profile."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            return add_user(conn, ctx, values)

    def update(self, ctx, user, changes):
        """Apply an administrator's ``changes`` (profile, flags, password, assignments) to ``user``."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            return update_user(conn, ctx, resolve_user(conn, user)["id"], changes)

    def update_own_profile(self, ctx, changes):
        """Change the caller's display name, email or locale; anything else is refused (403)."""
        with self.runtime.write() as conn:
            return update_own_profile(conn, ctx, changes)

    def set_password(self, ctx, user, password):
        """Replace the password of ``user`` (administrators only), audited."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            set_password(conn, ctx, resolve_user(conn, user)["id"], password)

    def change_own_password(self, ctx, current, new):
        """Replace the caller's password after checking ``current``, audited."""
        with self.runtime.write() as conn:
            row = get_user(conn, ctx.user_id)
            if not verify_password(row["password_hash"], current):
                raise RecordInvalid("identity.password.current_wrong",
                                    errors={"current_password": [Message("identity.password.is_wrong")]})
            set_password(conn, ctx, ctx.user_id, new)

    def deactivate(self, ctx, user):
        """Deactivate ``user``: their tokens and sessions stop working at once (never yourself)."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            row = resolve_user(conn, user)
            if row["id"] == ctx.user_id:
                raise PermissionDenied(SELF_CHANGE)
            set_active(conn, ctx, row["id"], False)
