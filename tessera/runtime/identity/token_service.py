"""The token service: issuing, listing and revoking personal API tokens, audited.

Anyone issues, lists and revokes their own tokens; administrators those of any user.
"""

from sqlalchemy import select

from tessera.i18n import Message

from ..access.admin import require_admin
from ..audit import log as audit
from ..errors import RecordInvalid
from ..schema.system_tables import token
from .account_service import resolve_user
from .tokens import check_objects_published, issue_token, list_tokens, revoke_token, token_json

FIELDS = frozenset({"name", "scope", "objects", "expires_in_days"})


def _owner(conn, ctx, user):
    """The active user row a token is for: the caller by default; another user for administrators."""
    if user is None:
        user = ctx.user_id
    elif not (ctx.is_admin or user == ctx.user_id):
        require_admin(ctx)
    row = resolve_user(conn, user)
    if not row["active"]:
        raise RecordInvalid("identity.user.deactivated_named", username=row["username"],
                            errors={"user": [Message("identity.deactivated")]})
    return row


class TokenService:
    """Token operations over one runtime's database."""

    def __init__(self, runtime):
        self.runtime = runtime

    def issue(self, ctx, values, *, user=None):
        """Create a token (for ``user``, by id or username, else the caller); return its JSON with
        the secret under ``token``, shown this once."""
        unknown = sorted(set(values) - FIELDS)
        if unknown:
            raise RecordInvalid("identity.token.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
        scope, objects = values.get("scope", "read_write"), values.get("objects")
        with self.runtime.write() as conn:
            owner = _owner(conn, ctx, user)
            check_objects_published(self.runtime.model(conn), objects)
            token_id, secret = issue_token(conn, owner["id"], values.get("name", "api"), scope=scope,
                                           objects=objects, expires_in_days=values.get("expires_in_days"))
            audit.record(conn, "token.created", ctx, subject=f"token {token_id}",
                         details={"user": owner["id"], "scope": scope, "objects": objects})
            row = conn.execute(select(token).where(token.c.id == token_id)).mappings().one()
        return {**token_json(row), "token": secret}

    def list(self, ctx, *, user=None):
        """The tokens of ``user`` (else the caller), newest first, never their secrets."""
        with self.runtime.read() as conn:
            if user is None:
                return list_tokens(conn, ctx.user_id)
            require_admin(ctx)
            return list_tokens(conn, resolve_user(conn, user)["id"])

    def revoke(self, ctx, token_id):
        """Revoke one of the caller's tokens (administrators: anyone's); return its JSON."""
        with self.runtime.write() as conn:
            return revoke_token(conn, ctx, token_id, owner_id=None if ctx.is_admin else ctx.user_id)
