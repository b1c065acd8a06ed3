"""Checks of feedback bodies and list parameters: each problem keyed by the field it concerns."""

import re

from tessera.i18n import Message

from ..errors import InvalidQuery, RecordInvalid
from ..fields.serialize import digits_id
from .tables import KINDS, STATUSES

MAX_TEXT = 4000
MAX_PAGE = 500
#: Blank characters: JavaScript's whitespace (what a JSON Schema ``\s`` means) and Python's, so
#: the API document and the server agree on what "some text" is.
BLANK = "\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SOME_TEXT = f"[^{BLANK}]"


def _refuse(code, field, message):
    raise RecordInvalid(code, errors={field: [message]})


def _only(body, allowed):
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise RecordInvalid("feedback.body_unknown", errors={key: [Message("input.unknown")] for key in unknown})


def _text(value, field, *, required):
    if value is None and not required:
        return None
    if not isinstance(value, str) or not re.search(SOME_TEXT, value) or len(value) > MAX_TEXT:
        _refuse("feedback.invalid", field, Message("feedback.text_shape", max=MAX_TEXT))
    return value.strip()


def new_feedback(body):
    """(kind, text, page) of a submission ``{"kind", "text", "page"}``; raises RecordInvalid."""
    _only(body, ("kind", "text", "page"))
    kind = body.get("kind", "idea")
    if kind not in KINDS:
        _refuse("feedback.invalid", "kind", Message("feedback.kind_one_of", kinds=", ".join(KINDS)))
    page = body.get("page")
    if page is not None and (not isinstance(page, str) or not page.startswith("/") or len(page) > MAX_PAGE):
        _refuse("feedback.invalid", "page", Message("feedback.page_shape", max=MAX_PAGE))
    return kind, _text(body.get("text"), "text", required=True), page


def triage_change(body):
    """{column: value} of a triage ``{"status", "note"}`` (at least one); raises RecordInvalid."""
    _only(body, ("status", "note"))
    if not body:
        _refuse("feedback.invalid", "status", Message("feedback.triage_empty"))
    change = {}
    if "status" in body:
        if body["status"] not in STATUSES:
            _refuse("feedback.invalid", "status", Message("feedback.status_one_of", statuses=", ".join(STATUSES)))
        change["status"] = body["status"]
    if "note" in body:
        change["note"] = _text(body["note"], "note", required=False)
    return change


def list_filters(args):
    """(status or None, mine: bool, after id or None) of list parameters; raises InvalidQuery."""
    status = args.get("status")
    if status is not None and status not in STATUSES:
        raise InvalidQuery("feedback.bad_query", errors={
            "status": [Message("feedback.status_one_of", statuses=", ".join(STATUSES))]})
    mine = args.get("mine")
    if mine not in (None, "true", "false"):
        raise InvalidQuery("feedback.bad_query", errors={"mine": [Message("input.invalid.boolean_flag")]})
    return status, mine == "true", _after(args.get("cursor"))


def _after(cursor):
    """The id a list cursor points after: None for none (or 0, zeros, the first page); raises
    InvalidQuery for anything but decimal digits within the id range (an empty one too)."""
    if cursor is None:
        return None
    if cursor.isascii() and cursor.isdigit() and int(cursor) == 0:
        return None
    after = digits_id(cursor)
    if after is None:
        raise InvalidQuery("feedback.bad_query", errors={"cursor": [Message("query.cursor.not_valid")]})
    return after
