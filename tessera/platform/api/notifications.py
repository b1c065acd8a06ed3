"""The caller's own notifications: the list (newest first, keyset-paged), the unread count,
marking one or all read, and which channels each kind goes to. Nobody reaches another's."""

from flask import request

from tessera.i18n import Message
from tessera.runtime.errors import InvalidQuery
from tessera.runtime.fields.serialize import MAX_ID, digits_id
from tessera.runtime.notifications.service import MAX_PAGE

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, NULLABLE_TEXT, TEXT, obj, query
from ..problems import request_locale
from ..converters import at_most_regex
from .common import ctx, runtime
from .guards import object_body

STAMP = {"type": ["string", "null"], "format": "date-time"}
LINK = {"anyOf": [obj(("object", "record_id", "url"), object=TEXT, record_id=INTEGER, approval=INTEGER,
                      url=NULLABLE_TEXT), {"type": "null"}]}
NOTIFICATION = obj(("id", "kind", "code", "message", "link", "created_at", "read", "read_at"), id=INTEGER,
                   kind=TEXT, code=TEXT, message=TEXT, link=LINK, actor={"type": ["integer", "null"]},
                   created_at={"type": "string", "format": "date-time"}, read={"type": "boolean"}, read_at=STAMP)
UNREAD = obj(("unread_count",), unread_count=INTEGER)
PAGE = obj(("items", "next_cursor", "unread_count"), items={"type": "array", "items": NOTIFICATION},
           next_cursor=NULLABLE_TEXT, unread_count=INTEGER)
MARKED = obj(("marked", "unread_count"), marked=INTEGER, unread_count=INTEGER)
CHANNELS = {"type": "array", "maxItems": 16, "items": {"type": "string", "minLength": 1, "maxLength": 63}}
KIND_NAME = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", "maxLength": 63}
PREFERENCES_IN = {"type": "object", "additionalProperties": False,
                  "properties": {"default": {"anyOf": [CHANNELS, {"type": "null"}]},
                                 "kinds": {"type": "object", "maxProperties": 100, "propertyNames": KIND_NAME,
                                           "additionalProperties": CHANNELS}}}
PREFERENCES = obj(("default", "kinds", "channels", "known_kinds"), default=CHANNELS,
                  kinds={"type": "object", "additionalProperties": CHANNELS}, channels=CHANNELS,
                  known_kinds={"type": "array", "items": TEXT})
UNREAD_ONLY = query("unread", "Only unread notifications (true) or all (false, the default).", {"type": "boolean"})
LIMIT = query("limit", "Items per page (default 50).", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE})
CURSOR = query("cursor", "The next_cursor of the previous page (0: the first page).",
               {"type": "string", "pattern": f"^{at_most_regex(MAX_ID)}$"})


def _invalid(param, value, kind, message):
    return InvalidQuery("query.param.invalid_value", param=param, value=repr(value), type=kind,
                        errors={param: [message]})


def _limit():
    text = request.args.get("limit", "50")
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        raise _invalid("limit", text, "integer", Message("query.limit.range", max=MAX_PAGE))
    return int(text)


def _before():
    """The id the page continues before (None: the first page)."""
    text = request.args.get("cursor")
    if text is None or (text.isascii() and text.isdigit() and int(text) == 0):
        return None
    found = digits_id(text)
    if found is None:
        raise InvalidQuery("api.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]})
    return found


def _unread():
    text = request.args.get("unread", "false")
    if text not in ("true", "false"):
        raise _invalid("unread", text, "boolean", Message("input.one_of", choices="true, false"))
    return text == "true"


@operation("listNotifications", "List the caller's notifications, newest first", tag="notifications",
           parameters=(UNREAD_ONLY, LIMIT, CURSOR), returns=PAGE)
def list_notifications():
    """The caller's notifications rendered in the request's locale, with the unread count;
    ``next_cursor`` continues with older ones."""
    unread, limit, before = _unread(), _limit(), _before()
    return json_response(runtime().notifications.list(ctx(), unread=unread, before=before, limit=limit,
                                                      locale=request_locale()))


@operation("countUnreadNotifications", "Count the caller's unread notifications", tag="notifications",
           returns=UNREAD)
def unread_count():
    """``{"unread_count": n}``: cheap enough to poll for a badge."""
    return json_response(runtime().notifications.unread_count(ctx()))


@operation("markNotificationRead", "Mark one of the caller's notifications read", tag="notifications",
           body_required=False, returns=NOTIFICATION)
def mark_read(notification_id):
    """The notification, read (404 when the caller has none with that id)."""
    return json_response(runtime().notifications.mark_read(ctx(), notification_id, locale=request_locale()))


@operation("markAllNotificationsRead", "Mark every notification of the caller read", tag="notifications",
           body_required=False, returns=MARKED)
def mark_all_read():
    """``{"marked": n, "unread_count": 0}``."""
    return json_response(runtime().notifications.mark_all_read(ctx()))


@operation("getMyNotificationPreferences", "Read which channels each kind of notification goes to",
           tag="notifications", returns=PREFERENCES)
def get_preferences():
    """The caller's preferences, the configured channels and the known kinds."""
    return json_response(runtime().notifications.preferences(ctx()))


@operation("setMyNotificationPreferences", "Replace which channels each kind of notification goes to",
           tag="notifications", body=PREFERENCES_IN, returns=PREFERENCES)
def put_preferences():
    """Replace the caller's preferences; 422 names an unknown or unconfigured channel."""
    return json_response(runtime().notifications.set_preferences(ctx(), object_body()))


def register(bp):
    """Add the notification routes to ``bp``."""
    bp.add_url_rule("/notifications", "notifications_list", list_notifications, methods=["GET"])
    bp.add_url_rule("/notifications/unread_count", "notifications_unread", unread_count, methods=["GET"])
    bp.add_url_rule("/notifications/read", "notifications_read_all", mark_all_read, methods=["POST"])
    bp.add_url_rule("/notifications/<int:notification_id>/read", "notifications_read", mark_read, methods=["POST"])
    bp.add_url_rule("/notifications/preferences", "notifications_preferences", get_preferences, methods=["GET"])
    bp.add_url_rule("/notifications/preferences", "notifications_preferences_put", put_preferences,
                    methods=["PUT"])
