"""What the routes share: the admin check, JSON-object bodies and user-list cursors."""

from flask import request

from tessera.i18n import Message
from tessera.runtime.access.admin import require_admin
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.fields.serialize import digits_id

from ..jsonio import json_body
from .common import ctx


def admin_only():
    """Raise AdminRequired (403 permission_denied) unless the caller holds the administrator
    right; the one admin check of every admin-only route."""
    require_admin(ctx())


def object_body():
    """The request body, which must be a JSON object."""
    body = json_body()
    if not isinstance(body, dict):
        raise RecordInvalid("api.body.not_an_object", errors={"$": [Message("input.not_an_object")]})
    return body


def optional_object_body():
    """The request body, which must be a JSON object; no body at all stands for ``{}``."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return object_body() if request.content_length or chunked else {}


def page_after(text):
    """The id a user-list cursor points after (0 for the first page)."""
    if text in (None, ""):
        return 0
    after = digits_id(text) if text != "0" else 0
    if after is None:
        raise RecordInvalid("api.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]})
    return after
