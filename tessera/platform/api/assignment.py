"""Assignment and lead pools: re-running a record's assignment rules, a pool's waiting records,
claiming one of them."""

from flask import request

from tessera.i18n import Message
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.fields.serialize import MAX_ID, is_record_id

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import ANY_OBJECT, NULLABLE_TEXT, obj, query
from .common import ctx, runtime
from .guards import optional_object_body
from .record_docs import PAGE_SIZE
from .record_sharing import GIVEN_AWAY

POOL_PAGE = obj(("items", "next_cursor"), items={"type": "array", "items": ANY_OBJECT}, next_cursor=NULLABLE_TEXT)
CLAIM_BODY = {**obj((), record_id={"type": "integer", "minimum": 1, "maximum": MAX_ID}), "additionalProperties": False}


@operation("assign{Object}Record", "Run the assignment rules of {object} again for one record", tag="{object}",
           body_required=False, returns={"anyOf": [ref("{object}"), GIVEN_AWAY]},
           description="The first matching rule that finds someone makes them the owner; none leaves the record "
                       "as it is. Only its id, owner and version come back when the caller may no longer read it.")
def assign(object_name, record_id):
    """Re-run the object's assignment rules for the record (edit access to it, or administrator)."""
    return json_response(runtime().assignments.reassign(ctx(), object_name, record_id))


@operation("listPoolRecords", "The records waiting in a lead pool, oldest first", tag="pools",
           parameters=(query("limit", "Records per page.", PAGE_SIZE),
                       query("cursor", "The next_cursor of the previous page.")), returns=POOL_PAGE)
def list_pool(name):
    """One page of the pool's waiting records, for its members and administrators."""
    args = request.args
    return json_response(runtime().pools.list(ctx(), name, limit=args.get("limit"), cursor=args.get("cursor")))


def _claimed_id(body):
    errors = {k: [Message("input.unknown")] for k in sorted(set(body) - {"record_id"})}
    record_id = body.get("record_id")
    if "record_id" in body and not is_record_id(record_id):
        errors["record_id"] = [Message("input.record_id")]
    if errors:
        raise RecordInvalid("api.claim.shape", errors=errors)
    return record_id


@operation("claimPoolRecord", "Claim a record of a lead pool: the caller becomes its owner", tag="pools",
           body=CLAIM_BODY, body_required=False, returns=ANY_OBJECT,
           description="With no record_id, the oldest waiting record. 409 claim_limit_reached past the pool's "
                       "claim limit, 409 already_claimed when someone claimed it first, 404 pool_empty.")
def claim(name):
    """Make the caller the owner of ``{"record_id": id}`` (or of the oldest waiting record)."""
    record_id = _claimed_id(optional_object_body())
    return json_response(runtime().pools.claim(ctx(), name, record_id))


def register(bp):
    """Add the assignment and pool routes to ``bp``."""
    bp.add_url_rule("/objects/<object_name>/records/<int:record_id>/assign", "records_assign", assign,
                    methods=["POST"])
    bp.add_url_rule("/pools/<name>", "pools_list", list_pool, methods=["GET"])
    bp.add_url_rule("/pools/<name>/claim", "pools_claim", claim, methods=["POST"])
