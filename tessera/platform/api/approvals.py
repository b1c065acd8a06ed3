"""Approval routes: submit a record, read requests, decide, recall, reassign, the inbox and delegation.

Every write takes an optional ``Idempotency-Key`` header: the same key from the same
caller answers the first answer again and changes nothing.
"""

from flask import Response, request

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, NULLABLE_TEXT, TEXT, obj, query
from .common import ctx, runtime
from .guards import object_body, optional_object_body

IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "description": "Replays the first answer of the same key, changing nothing.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255}}
PERSON = {"anyOf": [obj(("id", "name"), id={"type": ["integer", "null"]}, name=NULLABLE_TEXT), {"type": "null"}]}
STAMP = {"type": ["string", "null"], "format": "date-time"}
WORK_ITEM = obj(("id", "step", "approver", "status", "delegated_from", "due_at"), id=INTEGER, step=TEXT,
                approver=PERSON, status={"enum": ["pending", "approved", "rejected", "reassigned", "closed"]},
                delegated_from=PERSON, due_at=STAMP, created_at=STAMP, decided_at=STAMP)
HISTORY = obj(("actor", "action", "step", "comment", "at"), actor=PERSON,
              action={"enum": ["submitted", "approved", "rejected", "recalled", "reassigned", "delegated",
                               "escalated"]},
              step=NULLABLE_TEXT, comment=NULLABLE_TEXT, at=STAMP)
RECORD = obj(("id", "title"), id=INTEGER, title=NULLABLE_TEXT)
INSTANCE = obj(("id", "flow", "object", "record", "status", "step", "work_items", "history"), id=INTEGER,
               flow=obj(("name", "version"), name=TEXT, version=INTEGER), object=TEXT, record=RECORD,
               status={"enum": ["pending", "approved", "rejected", "recalled"]}, step=NULLABLE_TEXT,
               steps={"type": "array", "items": {"type": "object"}}, submitted_by=PERSON, submitted_at=STAMP,
               decided_at=STAMP, work_items={"type": "array", "items": WORK_ITEM},
               history={"type": "array", "items": HISTORY})
INBOX_ITEM = obj(("work_item", "instance", "object", "record", "step", "submitted_by", "submitted_at", "due_at"),
                 work_item=INTEGER, instance=INTEGER, object=TEXT, record=RECORD, step=TEXT, submitted_by=PERSON,
                 submitted_at=STAMP, due_at=STAMP)
INBOX = obj(("items", "next_cursor"), items={"type": "array", "items": INBOX_ITEM},
            next_cursor={"type": ["string", "null"]})
COMMENT = {"type": "object", "properties": {"comment": {"type": "string", "maxLength": 4000}},
           "additionalProperties": False}
SUBMIT = {"type": "object", "properties": {"comment": {"type": "string", "maxLength": 4000}, "flow": TEXT},
          "additionalProperties": False}
REASSIGN = {**obj(("user",), user=INTEGER, work_item=INTEGER, comment={"type": "string", "maxLength": 4000}),
            "additionalProperties": False}
DELEGATION = obj(("delegate", "from", "to"), delegate=INTEGER, **{"from": {"type": "string", "format": "date"},
                                                                  "to": {"type": "string", "format": "date"}})


def _key():
    return request.headers.get("Idempotency-Key")


@operation("submit{Object}Approval", "Submit one {object} record for approval", tag="{object}", status="201",
           body=SUBMIT, body_required=False, returns=INSTANCE, parameters=(IDEMPOTENCY_KEY,))
def submit(object_name, record_id):
    """Start an approval request for the record with the first matching flow (or ``flow``)."""
    answer = runtime().approvals.submit(ctx(), object_name, record_id, optional_object_body(), key=_key())
    return json_response(answer, 201)


@operation("get{Object}Approval", "Read the newest approval request of one {object} record", tag="{object}",
           returns=INSTANCE)
def for_record(object_name, record_id):
    """The record's newest approval request, or 404."""
    return json_response(runtime().approvals.for_record(ctx(), object_name, record_id))


@operation("getApprovalInbox", "List the caller's pending approval work items", tag="approvals", returns=INBOX,
           parameters=(query("sort", "due_at (default) or -due_at.", {"enum": ["due_at", "-due_at"]}),
                       query("cursor", "The next_cursor of the previous page."),
                       query("limit", "Items per page (default 50).", {"type": "integer", "minimum": 1,
                                                                        "maximum": 1000})))
def inbox():
    """The caller's pending work items across objects, by due time."""
    args = request.args
    return json_response(runtime().approvals.inbox(ctx(), sort=args.get("sort"), cursor=args.get("cursor"),
                                                   limit=args.get("limit")))


@operation("getApproval", "Read one approval request with its steps, work items and history", tag="approvals",
           returns=INSTANCE)
def get_one(instance_id):
    """The request, for those who may read its record, its submitter and its approvers."""
    return json_response(runtime().approvals.get(ctx(), instance_id))


def _transition(name, summary, body):
    @operation(f"{name}Approval", summary, tag="approvals", body=body, body_required=name == "reassign",
               returns=INSTANCE, parameters=(IDEMPOTENCY_KEY,))
    def view(instance_id):
        payload = object_body() if name == "reassign" else optional_object_body()
        return json_response(getattr(runtime().approvals, name)(ctx(), instance_id, payload, key=_key()))
    view.__name__ = f"{name}_approval"
    view.__doc__ = summary
    return view


APPROVE = _transition("approve", "Approve the caller's work item in the current step", COMMENT)
REJECT = _transition("reject", "Reject the caller's work item in the current step", COMMENT)
RECALL = _transition("recall", "Recall a pending request (its submitter)", COMMENT)
REASSIGN_VIEW = _transition("reassign", "Reassign a pending work item to another user", REASSIGN)


FLOW_VERSION = obj(("version", "revision", "published_at", "current", "deleted", "pending", "finished", "counts"),
                   version=INTEGER, revision=INTEGER, published_at=STAMP, current={"type": "boolean"},
                   deleted={"type": "boolean"}, pending=INTEGER, finished=INTEGER,
                   counts={"type": "object", "additionalProperties": INTEGER})


@operation("listApprovalFlowVersions", "List a flow's published versions with their request counts",
           tag="approvals", admin=True, returns=obj(("items",), items={"type": "array", "items": FLOW_VERSION}),
           description="Newest first; pending and finished (approved, rejected, recalled) requests per version, "
                       "from one grouped indexed count.")
def flow_versions(flow_name):
    """The flow's published versions, each with how many requests are pending and finished on it."""
    return json_response({"items": runtime().approvals.flow_versions(ctx(), flow_name)})


@operation("getMyDelegation", "Read the caller's delegation", tag="approvals",
           returns={"anyOf": [DELEGATION, {"type": "null"}]})
def get_delegation():
    """The caller's delegation, or null."""
    return json_response(runtime().approvals.delegation(ctx()))


@operation("setMyDelegation", "Delegate the caller's new work items for a range of days", tag="approvals",
           body={**DELEGATION, "additionalProperties": False}, returns=DELEGATION)
def put_delegation():
    """Set (replace) the caller's delegation."""
    return json_response(runtime().approvals.delegate(ctx(), object_body()))


@operation("endMyDelegation", "End the caller's delegation", tag="approvals", status="204")
def delete_delegation():
    """End the caller's delegation (204 whether or not there was one)."""
    runtime().approvals.end_delegation(ctx())
    return Response(status=204)


def register(bp):
    """Add the approval routes to ``bp``."""
    one = "/objects/<object_name>/records/<int:record_id>/approval"
    bp.add_url_rule(one, "approvals_submit", submit, methods=["POST"])
    bp.add_url_rule(one, "approvals_for_record", for_record, methods=["GET"])
    bp.add_url_rule("/approvals/inbox", "approvals_inbox", inbox, methods=["GET"])
    bp.add_url_rule("/approvals/<int:instance_id>", "approvals_get", get_one, methods=["GET"])
    bp.add_url_rule("/approvals/flows/<flow_name>/versions", "approvals_flow_versions", flow_versions,
                    methods=["GET"])
    for name, view in (("approve", APPROVE), ("reject", REJECT), ("recall", RECALL), ("reassign", REASSIGN_VIEW)):
        bp.add_url_rule(f"/approvals/<int:instance_id>/{name}", f"approvals_{name}", view, methods=["POST"])
    bp.add_url_rule("/users/me/delegation", "delegation_get", get_delegation, methods=["GET"])
    bp.add_url_rule("/users/me/delegation", "delegation_put", put_delegation, methods=["PUT"])
    bp.add_url_rule("/users/me/delegation", "delegation_delete", delete_delegation, methods=["DELETE"])
