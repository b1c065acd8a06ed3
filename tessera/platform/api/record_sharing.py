"""Record ownership and sharing: transfer a record, list, add and remove its manual shares."""

from flask import Response, request

from tessera.runtime.records import ownership

from tessera.i18n import Message
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.fields.serialize import digits_id
from tessera.runtime.records import shares

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import ANY_OBJECT, INTEGER, items_of, obj, query
from .common import ctx, runtime
from .guards import object_body


GRANTEE = ("user", "team", "role")


#: What a transfer answers when the caller can no longer read the record it gave away.
GIVEN_AWAY = {**obj(("id", "owner", "version"), id=INTEGER, owner=INTEGER, version=INTEGER),
              "additionalProperties": False}


@operation("transfer{Object}Record", "Give one {object} record to a new owner", tag="{object}",
           body={**obj(("owner",), owner=INTEGER), "additionalProperties": False},
           returns={"anyOf": [ref("{object}"), GIVEN_AWAY]},
           description="The record as the caller now sees it; only its id, owner and version when the caller "
                       "may no longer read it.")
def transfer(object_name, record_id):
    """Give the record to another user: ``{"owner": user_id}``."""
    body = object_body()
    unknown = sorted(set(body) - {"owner"})
    if unknown or "owner" not in body:
        raise RecordInvalid("api.transfer.shape",
                            errors={"owner": [Message("api.required")], **{k: [Message("input.unknown")] for k in unknown}})
    return json_response(ownership.transfer(runtime(), ctx(), object_name, record_id, body["owner"]))


@operation("list{Object}RecordShares", "Who one {object} record is shared with", tag="{object}",
           returns=items_of(ANY_OBJECT))
def list_shares(object_name, record_id):
    """Who the record is shared with, beyond its owner and the role hierarchy."""
    return json_response({"items": shares.list_shares(runtime(), ctx(), object_name, record_id)})


@operation("share{Object}Record", "Share one {object} record with a user, team or role", tag="{object}",
           status="201", body=ANY_OBJECT, returns=ANY_OBJECT)
def add_share(object_name, record_id):
    """Share the record: ``{"user": id}``, ``{"team": name}`` or ``{"role": name}``, with ``access``."""
    return json_response(shares.share(runtime(), ctx(), object_name, record_id, object_body()), 201)


def _grantee_from_query():
    grantee = {k: v for k, v in request.args.items() if k in GRANTEE}
    if "user" in grantee:
        user_id = digits_id(grantee["user"])
        if user_id is None:
            raise RecordInvalid("api.share.user_shape", errors={"user": [Message("input.user_id")]})
        grantee["user"] = user_id
    return grantee


@operation("unshare{Object}Record", "Stop sharing one {object} record", tag="{object}", status="204",
           parameters=tuple(query(name, f"The {name} to stop sharing with.") for name in GRANTEE))
def remove_share(object_name, record_id):
    """Stop sharing the record with ``?user=id``, ``?team=name`` or ``?role=name``."""
    shares.unshare(runtime(), ctx(), object_name, record_id, _grantee_from_query())
    return Response(status=204)


def register(bp):
    """Add the transfer and share routes to ``bp``."""
    one = "/objects/<object_name>/records/<int:record_id>"
    bp.add_url_rule(f"{one}/transfer", "records_transfer", transfer, methods=["POST"])
    bp.add_url_rule(f"{one}/share", "records_shares", list_shares, methods=["GET"])
    bp.add_url_rule(f"{one}/share", "records_share", add_share, methods=["POST"])
    bp.add_url_rule(f"{one}/share", "records_unshare", remove_share, methods=["DELETE"])
