"""NotificationService: ``notify`` for the other rooms, the reader's own list and preferences.

``runtime.notifications.notify(conn, recipients, kind, message, link=None, actor_id=None)``
writes in the caller's transaction; the routes call the reader's operations, each with the
reader's Context, never anybody else's notifications.
"""

from tessera.i18n import DEFAULT_LOCALE

from ..audit import log as audit
from ..clock import naive_utc
from ..errors import PermissionDenied
from . import inbox, preferences, sending
from .channels import NotificationOptions
from .subscriber import NotificationSubscriber

MAX_PAGE = inbox.MAX_PAGE


def _reader(ctx):
    if getattr(ctx, "user_id", None) is None:
        raise PermissionDenied("notification.no_reader")
    return ctx.user_id


def _locale(ctx, locale):
    return locale or getattr(ctx, "locale", None) or DEFAULT_LOCALE


class NotificationService:
    """The notifications of one Runtime."""

    def __init__(self, runtime, options=None):
        self.runtime = runtime
        self.options = options or NotificationOptions()
        #: The kinds the rooms say they notify about (shown with the preferences).
        self.kinds = set()
        runtime.events.subscribe(NotificationSubscriber(self.options))

    def _now(self):
        return naive_utc(self.runtime.clock())

    def register_kinds(self, *kinds):
        """Make ``kinds`` known (listed with the preferences, so users can choose their channels)."""
        for kind in kinds:
            sending.check_kind(kind)
        self.kinds.update(kinds)

    def notify(self, conn, recipients, kind, message, link=None, *, actor_id=None):
        """Notify the active users among ``recipients`` (ids) of ``kind`` with ``message`` (a
        Message, or a text in several locales), linking to ``{"object", "record_id"[, "approval"]}``,
        on ``conn`` in the caller's transaction; return the new notification ids. External
        channels are delivered after the commit by the event dispatcher."""
        return sending.write(conn, self.options, recipients, kind, message, link, actor_id, self._now())

    # -- the reader's own ------------------------------------------------------------

    def list(self, ctx, *, unread=False, before=None, limit=50, locale=None):
        """The reader's notifications, newest first, rendered in ``locale`` (else the reader's):
        ``{"items", "next_cursor", "unread_count"}``."""
        reader, limit = _reader(ctx), max(1, min(limit, MAX_PAGE))
        with self.runtime.read() as conn:
            rows, more = inbox.page(conn, reader, unread=unread, before=before, limit=limit)
            count = inbox.unread_count(conn, reader)
        return {"items": [inbox.document(row, _locale(ctx, locale)) for row in rows],
                "next_cursor": None if more is None else str(more), "unread_count": count}

    def unread_count(self, ctx, *, at_most=None):
        """``{"unread_count"}`` of the reader (no more than ``at_most + 1`` when ``at_most`` is given)."""
        reader = _reader(ctx)
        with self.runtime.read() as conn:
            return {"unread_count": inbox.unread_count(conn, reader, at_most)}

    def mark_read(self, ctx, notification_id, *, locale=None):
        """Mark one of the reader's notifications read; answer it (NotificationNotFound otherwise)."""
        reader = _reader(ctx)
        with self.runtime.write() as conn:
            row = inbox.mark_read(conn, reader, notification_id, self._now())
            audit.record(conn, "notification.read", ctx, subject=notification_id)
        return inbox.document(row, _locale(ctx, locale))

    def mark_all_read(self, ctx):
        """Mark every unread notification of the reader read: ``{"marked", "unread_count": 0}``."""
        reader = _reader(ctx)
        with self.runtime.write() as conn:
            marked = inbox.mark_all_read(conn, reader, self._now())
            audit.record(conn, "notification.read_all", ctx, details={"marked": marked})
        return {"marked": marked, "unread_count": 0}

    # -- preferences -----------------------------------------------------------------

    def preferences(self, ctx):
        """The reader's preferences: ``{"default", "kinds", "channels", "known_kinds"}``."""
        reader = _reader(ctx)
        with self.runtime.read() as conn:
            person = sending.active_recipients(conn, [reader])
            rows = preferences.stored(conn, [reader]).get(reader, {})
        return self._document(person, rows)

    def set_preferences(self, ctx, body):
        """Replace the reader's preferences with ``body`` (``{"default", "kinds"}``); answer them.
        Raise RecordInvalid (422) for an unknown channel or kind, nothing changed."""
        reader = _reader(ctx)
        rows = preferences.parse(self.options, body)
        with self.runtime.write() as conn:
            preferences.replace(conn, reader, rows, self._now())
            audit.record(conn, "notification.preferences_changed", ctx, details={"kinds": sorted(rows)})
            person = sending.active_recipients(conn, [reader])
        return self._document(person, rows)

    def _document(self, person, rows):
        if not person:
            raise PermissionDenied("notification.no_reader")
        return preferences.document(self.options, person[0], rows, self.kinds)
