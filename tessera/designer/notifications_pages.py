"""The reader's notifications page: newest first, keyset-paged, unread ones marked, each linking
to its subject; "mark all read"; and which external channels each kind goes to.

Reads go through ``runtime.notifications`` with the reader's context, so nobody sees another's
notifications; marking read and saving preferences go from the browser to the REST API
(``static/notifications.js``)."""

from dataclasses import dataclass

from flask import current_app, g, request

from tessera.runtime.errors import InvalidQuery
from tessera.runtime.fields.serialize import digits_id

from .guard import page_locale
from .render import page

PAGE_SIZE = 25
#: Kinds asking the reader to decide something: their notification also leads to the inbox.
DECISION_KINDS = frozenset({"approval.requested", "approval.reminder"})
#: Kinds with a name in words (``ui.notifications.kind.*``); others show their dotted name.
NAMED_KINDS = frozenset({"approval.requested", "approval.reminder", "approval.approved", "approval.rejected",
                         "approval.notice", "assignment.assigned", "automation.notice"})


@dataclass(frozen=True)
class PreferenceRow:
    """One kind of notification with the external channels it goes to for the reader."""

    kind: str
    label: str | None  # message code, None when the kind has no name in words
    channels: frozenset


def _cursor():
    """The id the page continues before (None: the first page); a bad one is a 400 page."""
    text = request.args.get("cursor")
    if not text:
        return None
    found = digits_id(text)
    if found is None:
        raise InvalidQuery("api.cursor.invalid")
    return found


def kind_label(kind):
    """The message code naming ``kind`` in words, or None (the page then shows the kind itself)."""
    return f"ui.notifications.kind.{kind}" if kind in NAMED_KINDS else None


def preference_rows(prefs):
    """Each known kind (and each kind the reader set apart) with the channels it goes to."""
    kinds = sorted(set(prefs["known_kinds"]) | set(prefs["kinds"]))
    return [PreferenceRow(kind, kind_label(kind), frozenset(prefs["kinds"].get(kind, prefs["default"])))
            for kind in kinds]


def notifications():
    """The reader's notifications page (a page of 25, newest first) with their preferences."""
    service = current_app.extensions["tessera"].notifications
    cursor = _cursor()
    found = service.list(g.ctx, before=cursor, limit=PAGE_SIZE, locale=page_locale())
    prefs = service.preferences(g.ctx)
    return page("app/notifications.html", found=found, cursor=cursor, prefs=prefs, rows=preference_rows(prefs),
                decision_kinds=DECISION_KINDS, kind_label=kind_label)


def add_notifications_pages(bp):
    """Register the notifications page on the ``ui`` blueprint."""
    bp.add_url_rule("/notifications", "notifications", notifications)
