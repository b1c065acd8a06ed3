"""The ``notification`` subscriber: hands each planned (notification, channel) to its channel.

A ``notification.created`` event lists its deliveries; each becomes the target
``"<channel>:<notification id>"`` (delivery row ``notification:email:42``), retried with
backoff and ending dead like any delivery, so an admin sees and retries it with the events.
"""

from sqlalchemy import select

from tessera.i18n import render

from ..events.subscribers import Outcome
from ..schema.system_tables import user
from .channels import Outgoing
from .inbox import link_path
from .sending import EVENT_TYPE, recipient_of
from .tables import notification
from .texts import decode

KIND = "notification"


def outgoing(options, row, person):
    """The Outgoing of notification ``row`` for ``person``, rendered in their locale."""
    text = render(decode(row["code"], row["params"]), person.locale)
    path = link_path(row["link"])
    url = options.public_url.rstrip("/") + path if path and options.public_url else path
    return Outgoing(row["id"], row["kind"], person, text, text, url, row["created_at"])


class NotificationSubscriber:
    """Delivers notifications to their external channels after the write that made them committed."""

    kind = KIND

    def __init__(self, options):
        self.options = options

    def targets(self, runtime, conn, events):
        """``{event id: ["<channel>:<notification id>"]}`` for the ``notification.created`` events."""
        return {event.id: [f"{d['channel']}:{d['notification']}" for d in event.data.get("deliveries", ())]
                for event in events if event.type == EVENT_TYPE and isinstance(event.data, dict)}

    def deliver(self, runtime, target, event):
        """Send notification ``target``'s id to its channel; an Outcome."""
        name, _, number = target.rpartition(":")
        channel = self.options.channels.get(name)
        if channel is None:
            raise LookupError(f"no notification channel {name!r} in this process")
        with runtime.read() as conn:
            row = conn.execute(select(notification).where(notification.c.id == int(number))).mappings().first()
            person = row and conn.execute(select(user).where(user.c.id == row["recipient_id"],
                                                             user.c.active.is_(True))).mappings().first()
        if row is None or person is None:
            return Outcome(True, error="skipped: the notification or its recipient is gone")
        return channel.send(self.options, outgoing(self.options, row, recipient_of(person)))
