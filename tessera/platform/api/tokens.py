"""Personal API token routes: a user lists, creates and revokes their own tokens."""

from flask import Response, request

from tessera.i18n import Message
from tessera.runtime.audit import log as audit
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.identity.tokens import check_objects_published, issue_token, list_tokens, revoke_token, token_json
from tessera.runtime.schema.system_tables import token

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import object_body

FIELDS = {"name", "scope", "objects", "expires_in_days"}


def list_mine():
    """The caller's tokens (never their secrets), newest first."""
    with runtime().read() as conn:
        return json_response({"items": list_tokens(conn, ctx().user_id)})


def create_mine():
    """Create a token for the caller; the answer holds its secret, shown this once."""
    body, caller, rt = object_body(), ctx(), runtime()
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise RecordInvalid("api.token.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
    with rt.write() as conn:
        check_objects_published(rt.model(conn), body.get("objects"))
        token_id, secret = issue_token(conn, caller.user_id, body.get("name", "api"), scope=body.get("scope", "read_write"),
                                       objects=body.get("objects"), expires_in_days=body.get("expires_in_days"))
        audit.record(conn, "token.created", caller, subject=f"token {token_id}",
                     details={"scope": body.get("scope", "read_write"), "objects": body.get("objects")})
        row = conn.execute(token.select().where(token.c.id == token_id)).mappings().one()
    return json_response({**token_json(row), "token": secret}, 201, {"Location": f"{request.path}/{token_id}"})


def revoke(token_id):
    """Revoke one of the caller's tokens (administrators may revoke anyone's)."""
    caller = ctx()
    with runtime().write() as conn:
        revoke_token(conn, caller, token_id, owner_id=None if caller.is_admin else caller.user_id)
    return Response(status=204)


def register(bp):
    """Add the token routes to ``bp``."""
    bp.add_url_rule("/tokens", "tokens_list", list_mine, methods=["GET"])
    bp.add_url_rule("/tokens", "tokens_create", create_mine, methods=["POST"])
    bp.add_url_rule("/tokens/<int:token_id>", "tokens_revoke", revoke, methods=["DELETE"])
