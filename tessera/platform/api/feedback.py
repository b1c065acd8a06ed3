"""Feedback routes: any signed-in user writes feedback and reads their own; administrators
list every entry and triage it (status and a note the author sees)."""

from flask import request

from tessera.runtime.feedback.inputs import MAX_PAGE, MAX_TEXT, SOME_TEXT
from tessera.runtime.feedback.tables import KINDS, STATUSES
from tessera.runtime.fields.serialize import MAX_ID

from ..converters import at_most_regex
from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, NULLABLE_TEXT, TEXT, obj, query
from .common import ctx, runtime
from .guards import admin_only, object_body

STAMP = {"type": "string", "format": "date-time"}
TEXT_BODY = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": SOME_TEXT}
FEEDBACK = obj(("id", "kind", "text", "page", "status", "note", "author", "created_at", "updated_at"),
               id=INTEGER, kind={"enum": list(KINDS)}, text=TEXT, page=NULLABLE_TEXT,
               status={"enum": list(STATUSES)}, note=NULLABLE_TEXT,
               author=obj(("id", "name"), id=INTEGER, name=NULLABLE_TEXT), created_at=STAMP, updated_at=STAMP)
PAGE = obj(("items", "next_cursor"), items={"type": "array", "items": FEEDBACK}, next_cursor=NULLABLE_TEXT)
NEW = {**obj(("text",), kind={"enum": list(KINDS)}, text=TEXT_BODY,
             page={"anyOf": [{"type": "string", "pattern": "^/", "maxLength": MAX_PAGE}, {"type": "null"}]}),
       "additionalProperties": False}
TRIAGE = {"type": "object", "minProperties": 1, "additionalProperties": False,
          "properties": {"status": {"enum": list(STATUSES)},
                         "note": {"anyOf": [TEXT_BODY, {"type": "null"}]}}}
LIST_PARAMETERS = (
    query("status", "Only entries in this status.", {"type": "string", "enum": list(STATUSES)}),
    query("mine", "Only the caller's own entries (what everyone but administrators gets anyway).",
          {"type": "string", "enum": ["true", "false"]}),
    query("cursor", "The next_cursor of the previous page.", {"type": "string", "pattern": f"^{at_most_regex(MAX_ID)}$"}),
    query("limit", "Items per page (default 50).", {"type": "integer", "minimum": 1, "maximum": 1000}),
)


@operation("createFeedback", "Write a pain point or an idea", tag="feedback", status="201", body=NEW,
           returns=FEEDBACK)
def create():
    """Store the caller's feedback (status ``new``), with the page it was written on."""
    return json_response(runtime().feedback.submit(ctx(), object_body()), 201)


@operation("listFeedback", "List feedback: the caller's own, or every entry for administrators", tag="feedback",
           returns=PAGE, parameters=LIST_PARAMETERS)
def list_all():
    """Newest first, keyset-paged by id."""
    return json_response(runtime().feedback.list(ctx(), request.args))


@operation("getFeedback", "Read one feedback entry (its author and administrators)", tag="feedback",
           returns=FEEDBACK)
def get_one(feedback_id):
    """One entry, or 404 for anyone but its author and administrators."""
    return json_response(runtime().feedback.get(ctx(), feedback_id))


@operation("triageFeedback", "Triage a feedback entry: its status and a note (administrators)", tag="feedback",
           admin=True,
           body=TRIAGE, returns=FEEDBACK)
def triage(feedback_id):
    """Set ``status`` (new, planned, done, declined) and/or ``note``."""
    admin_only()  # before the body: to anyone else the route is not there (403, as allow.py says)
    return json_response(runtime().feedback.triage(ctx(), feedback_id, object_body()))


def register(bp):
    """Add the feedback routes to ``bp``."""
    bp.add_url_rule("/feedback", "feedback_create", create, methods=["POST"])
    bp.add_url_rule("/feedback", "feedback_list", list_all, methods=["GET"])
    bp.add_url_rule("/feedback/<int:feedback_id>", "feedback_get", get_one, methods=["GET"])
    bp.add_url_rule("/feedback/<int:feedback_id>", "feedback_triage", triage, methods=["PATCH"])
