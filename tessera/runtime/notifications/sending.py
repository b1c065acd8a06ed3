"""Writing notifications in the caller's transaction, and planning their external deliveries.

``write`` inserts one in-app row per active recipient and, when some recipient's
preferences name external channels for the kind, one ``notification.created`` outbox event
listing each (notification, channel): the dispatcher delivers those after the commit, so a
rolled-back write notifies nobody, in-app or elsewhere.
"""

from sqlalchemy import insert, select

from ..events.outbox import append_event
from ..fields.values import is_record_id
from ..schema.system_tables import user
from .channels import Recipient
from .preferences import KIND_PATTERN, MAX_KIND, chosen, stored
from .tables import notification
from .texts import encode

EVENT_TYPE = "notification.created"
LINK_KEYS = {"object", "record_id", "approval"}


def recipient_of(row):
    """The Recipient of a ``tessera_user`` row."""
    return Recipient(row["id"], row["username"], row["display_name"], row["email"], row["locale"] or "en")


def active_recipients(conn, user_ids):
    """The Recipients among ``user_ids`` who exist and are active, by id."""
    wanted = sorted({uid for uid in user_ids if is_record_id(uid)})
    if not wanted:
        return []
    rows = conn.execute(select(user).where(user.c.id.in_(wanted), user.c.active.is_(True)).order_by(user.c.id))
    return [recipient_of(row) for row in rows.mappings()]


def check_kind(kind):
    """Raise ValueError unless ``kind`` is a dotted lower-case name (``approval.requested``)."""
    if not isinstance(kind, str) or len(kind) > MAX_KIND or not KIND_PATTERN.match(kind):
        raise ValueError(f"a notification kind is a dotted lower-case name, not {kind!r}")


def check_link(link):
    """The link to store: None, or ``{"object", "record_id"}`` with an optional ``approval`` id."""
    if link is None:
        return None
    if not isinstance(link, dict) or set(link) - LINK_KEYS or not isinstance(link.get("object"), str) \
            or not is_record_id(link.get("record_id")) or ("approval" in link and not is_record_id(link["approval"])):
        raise ValueError(f"a notification link is {{'object', 'record_id'[, 'approval']}}, not {link!r}")
    return dict(link)


def write(conn, options, recipients, kind, message, link, actor_id, now):
    """Insert the notifications and the event planning their external deliveries; return the
    new notification ids, in recipient id order."""
    check_kind(kind)
    link = check_link(link)
    people = active_recipients(conn, recipients)
    if not people:
        return []
    code, params = encode(message)
    rows = [{"recipient_id": p.id, "kind": kind, "code": code, "params": params, "link": link, "actor_id": actor_id,
             "created_at": now, "read_at": None} for p in people]
    ids = conn.execute(insert(notification).returning(notification.c.id, sort_by_parameter_order=True),
                       rows).scalars().all()
    preferences = stored(conn, [p.id for p in people])
    deliveries = [{"notification": nid, "channel": name} for nid, person in zip(ids, people)
                  for name in chosen(options, person, preferences.get(person.id, {}), kind)]
    if deliveries:
        append_event(conn, EVENT_TYPE, None, None, {"kind": kind, "deliveries": deliveries}, actor_id, now)
    return list(ids)
