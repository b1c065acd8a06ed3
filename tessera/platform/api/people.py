"""The people lookup: any signed-in user finds active users by name (id, username, display
name) to pick one; the full user list stays with administrators (``users.py``)."""

from flask import request

from tessera.i18n import Message
from tessera.runtime.errors import InvalidQuery
from tessera.runtime.identity.people import MAX_QUERY, find_people

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, TEXT, items_of, obj, query
from .common import runtime

PERSON = obj(("id", "username", "display_name"), id=INTEGER, username=TEXT, display_name=TEXT)
LOOKUP_QUERY = (query("q", "Text in the username or display name (case-insensitive); empty finds nobody.",
                      {"type": "string", "maxLength": MAX_QUERY}),)


def _text():
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise InvalidQuery("query.param.invalid_value", param="q", value=repr(text[:20] + "…"), type="text",
                           errors={"q": [Message("input.length.max", max=MAX_QUERY)]})
    return text


@operation("lookupPeople", "Find active users by name (id, username and display name only)", tag="users",
           parameters=LOOKUP_QUERY, returns=items_of(PERSON))
def lookup():
    """Up to 20 active users whose username or display name contains ``q``, those starting with
    it first; nothing else of them (no e-mail, roles or rights)."""
    text = _text()
    with runtime().read() as conn:
        return json_response({"items": find_people(conn, text)})


def register(bp):
    """Add the people lookup to ``bp``."""
    bp.add_url_rule("/users/lookup", "users_lookup", lookup, methods=["GET"])
