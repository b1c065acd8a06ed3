"""What a notification channel is and what it is handed.

A channel (offered by a plugin through ``tessera_register_notification_channels``) is an
object with three methods, each given the runtime's ``NotificationOptions``:

- ``available(options)``: whether this deployment configured it (an SMTP host, a robot URL);
- ``reaches(options, recipient)``: whether it can address ``recipient`` (e-mail needs an address);
- ``send(options, outgoing)``: deliver one ``Outgoing`` message, outside any transaction;
  return an ``Outcome`` (``ok`` false, or an exception, means "try again later").

``in_app`` is not a channel: every notification is in the recipient's in-app list.
"""

from dataclasses import dataclass, field
from types import MappingProxyType

#: The name preferences may not give a channel: the in-app list, which always gets everything.
IN_APP = "in_app"


@dataclass(frozen=True)
class NotificationOptions:
    """The channels by name, the settings they read (``SMTP_HOST``, ``WECOM_WEBHOOK_URL``, ...),
    the hosts they may reach although private, their timeout and the app's public URL."""

    channels: dict = field(default_factory=dict)
    settings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    allow_hosts: frozenset = frozenset()
    timeout: float = 10.0
    public_url: str = ""

    def setting(self, name, default=None):
        """The setting ``name``, or ``default`` when it is unset or empty."""
        value = self.settings.get(name)
        return default if value in (None, "") else value


@dataclass(frozen=True)
class Recipient:
    """Who a notification goes to."""

    id: int
    username: str
    display_name: str
    email: str | None
    locale: str


@dataclass(frozen=True)
class Outgoing:
    """One notification to one recipient, rendered in their locale."""

    notification_id: int
    kind: str
    recipient: Recipient
    subject: str
    text: str
    url: str | None
    created_at: object = None
