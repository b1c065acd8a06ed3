"""Personal API token routes: a user lists, creates and revokes their own tokens."""

from flask import Response, request

from tessera.runtime.fields.values import NOT_BLANK
from tessera.runtime.identity.tokens import MAX_DAYS, SCOPES

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import items_of, obj
from .common import ctx, runtime
from .guards import optional_object_body


NEW_TOKEN = {**obj(name={"type": "string", "minLength": 1, "maxLength": 255, "pattern": NOT_BLANK,
                         "description": "Some text besides spaces (default: api)."},
                   scope={"type": "string", "enum": list(SCOPES)},
                   objects={"type": ["array", "null"], "items": ref("ObjectName"), "minItems": 1, "maxItems": 100,
                            "description": "The objects the token may reach (null or absent: all)."},
                   expires_in_days={"type": ["integer", "null"], "minimum": 1, "maximum": MAX_DAYS}),
             "additionalProperties": False}
ISSUED = {"allOf": [ref("Token"), obj(("token",), token={"type": "string", "description": "Shown this once."})]}


@operation("listTokens", "Your API tokens", tag="tokens", returns=items_of(ref("Token")))
def list_mine():
    """The caller's tokens (never their secrets), newest first."""
    return json_response({"items": runtime().tokens.list(ctx())})


@operation("createToken", "Create an API token", tag="tokens", status="201", body=NEW_TOKEN, body_required=False,
           returns=ISSUED)
def create_mine():
    """Create a token for the caller (no body: every default); the answer holds its secret, shown this once."""
    made = runtime().tokens.issue(ctx(), optional_object_body())
    return json_response(made, 201, {"Location": f"{request.path}/{made['id']}"})


@operation("revokeToken", "Revoke a token", tag="tokens", status="204")
def revoke(token_id):
    """Revoke one of the caller's tokens (administrators may revoke anyone's)."""
    runtime().tokens.revoke(ctx(), token_id)
    return Response(status=204)


def register(bp):
    """Add the token routes to ``bp``."""
    bp.add_url_rule("/tokens", "tokens_list", list_mine, methods=["GET"])
    bp.add_url_rule("/tokens", "tokens_create", create_mine, methods=["POST"])
    bp.add_url_rule("/tokens/<int:token_id>", "tokens_revoke", revoke, methods=["DELETE"])
