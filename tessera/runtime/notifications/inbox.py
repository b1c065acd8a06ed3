"""A user's own notifications: newest first, keyset-paged by id, marked read one or all at once.

Every statement names the reader as the recipient, so nobody reads, counts or marks
another user's notifications; one that is not theirs is answered as missing.
"""

from sqlalchemy import func, select, update

from tessera.i18n import render

from ..errors import RuntimeFailure
from ..fields.serialize import to_json
from .tables import notification
from .texts import decode

#: Most notifications one page holds.
MAX_PAGE = 200


class NotificationNotFound(RuntimeFailure):
    """The reader has no notification with that id."""

    code = "notification_not_found"
    status = 404


def link_path(link):
    """The app's page a link leads to (the record's page), or None."""
    if not link or "object" not in link or "record_id" not in link:
        return None
    return f"/app/o/{link['object']}/{link['record_id']}"


def document(row, locale):
    """The notification as the API answers it, its message rendered in ``locale``."""
    link = row["link"]
    return {"id": row["id"], "kind": row["kind"], "code": row["code"],
            "message": render(decode(row["code"], row["params"]), locale),
            "link": None if not link else {**link, "url": link_path(link)},
            "actor": row["actor_id"], "created_at": to_json(row["created_at"]),
            "read": row["read_at"] is not None, "read_at": to_json(row["read_at"]) if row["read_at"] else None}


def page(conn, user_id, *, unread=False, before=None, limit=50):
    """(rows, the id to continue before or None): the user's notifications, newest first."""
    query = select(notification).where(notification.c.recipient_id == user_id)
    if unread:
        query = query.where(notification.c.read_at.is_(None))
    if before is not None:
        query = query.where(notification.c.id < before)
    rows = conn.execute(query.order_by(notification.c.id.desc()).limit(limit + 1)).mappings().all()
    return rows[:limit], (rows[limit - 1]["id"] if len(rows) > limit else None)


def unread_count(conn, user_id, at_most=None):
    """How many of the user's notifications are unread (one range of the unread index), counting
    no further than ``at_most + 1`` when ``at_most`` is given (a badge's "99+")."""
    matching = select(notification.c.id).where(notification.c.recipient_id == user_id,
                                                notification.c.read_at.is_(None))
    if at_most is not None:
        matching = matching.limit(at_most + 1)
    return conn.execute(select(func.count()).select_from(matching.subquery())).scalar_one()


def mark_read(conn, user_id, notification_id, now):
    """Mark the user's notification read (kept as first read) and return its row; raise
    NotificationNotFound when they have none with that id."""
    conn.execute(update(notification).where(notification.c.id == notification_id,
                                            notification.c.recipient_id == user_id,
                                            notification.c.read_at.is_(None)).values(read_at=now))
    row = conn.execute(select(notification).where(notification.c.id == notification_id,
                                                  notification.c.recipient_id == user_id)).mappings().first()
    if row is None:
        raise NotificationNotFound("notification.not_found", id=notification_id)
    return row


def mark_all_read(conn, user_id, now):
    """Mark every unread notification of the user read; return how many."""
    return conn.execute(update(notification).where(notification.c.recipient_id == user_id,
                                                   notification.c.read_at.is_(None)).values(read_at=now)).rowcount
