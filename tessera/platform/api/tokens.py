"""Personal API token routes: a user lists, creates and revokes their own tokens."""

from flask import Response, request

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import object_body


def list_mine():
    """The caller's tokens (never their secrets), newest first."""
    return json_response({"items": runtime().tokens.list(ctx())})


def create_mine():
    """Create a token for the caller; the answer holds its secret, shown this once."""
    made = runtime().tokens.issue(ctx(), object_body())
    return json_response(made, 201, {"Location": f"{request.path}/{made['id']}"})


def revoke(token_id):
    """Revoke one of the caller's tokens (administrators may revoke anyone's)."""
    runtime().tokens.revoke(ctx(), token_id)
    return Response(status=204)


def register(bp):
    """Add the token routes to ``bp``."""
    bp.add_url_rule("/tokens", "tokens_list", list_mine, methods=["GET"])
    bp.add_url_rule("/tokens", "tokens_create", create_mine, methods=["POST"])
    bp.add_url_rule("/tokens/<int:token_id>", "tokens_revoke", revoke, methods=["DELETE"])
