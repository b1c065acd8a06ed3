"""The built-in e-mail channel: one plain-text message per notification over SMTP (``smtplib``).

Settings: ``SMTP_HOST`` (unset: the channel is not configured), ``SMTP_PORT``,
``SMTP_FROM``, ``SMTP_TLS`` (``none``, ``starttls`` or ``ssl``), ``SMTP_USER`` and
``SMTP_PASSWORD`` (login when a user is set).
"""

import smtplib
import time
from email.message import EmailMessage
from email.utils import make_msgid

from ..events.subscribers import Outcome

SUBJECT_CHARS = 150


def message_of(options, outgoing):
    """The EmailMessage of ``outgoing``: the notification as subject, its text and link as body."""
    mail = EmailMessage()
    mail["Subject"] = " ".join(outgoing.subject.split())[:SUBJECT_CHARS]
    mail["From"] = options.setting("SMTP_FROM", "tessera@localhost")
    mail["To"] = outgoing.recipient.email
    mail["Message-ID"] = make_msgid(idstring=f"tessera-notification-{outgoing.notification_id}")
    mail["X-Tessera-Notification"] = f"{outgoing.notification_id}; kind={outgoing.kind}"
    mail.set_content(outgoing.text + (f"\n\n{outgoing.url}\n" if outgoing.url else "\n"))
    return mail


class EmailChannel:
    """Sends notifications by e-mail to the recipient's address."""

    def available(self, options):
        """Configured when ``SMTP_HOST`` is set."""
        return bool(options.setting("SMTP_HOST"))

    def reaches(self, options, recipient):
        """Reaches users with an e-mail address."""
        return bool(recipient.email)

    def send(self, options, outgoing):
        """Hand the message to the SMTP server; an Outcome (SMTP and network errors: retried)."""
        started = time.monotonic()
        host, port = options.setting("SMTP_HOST"), int(options.setting("SMTP_PORT", 25))
        tls, user = options.setting("SMTP_TLS", "none"), options.setting("SMTP_USER")
        try:
            opener = smtplib.SMTP_SSL if tls == "ssl" else smtplib.SMTP
            with opener(host, port, timeout=options.timeout) as server:
                if tls == "starttls":
                    server.starttls()
                if user:
                    server.login(user, options.setting("SMTP_PASSWORD", ""))
                server.send_message(message_of(options, outgoing))
        except (OSError, smtplib.SMTPException) as error:
            return Outcome(False, duration_ms=_ms(started), error=f"{type(error).__name__}: {error}")
        return Outcome(True, duration_ms=_ms(started))


def _ms(started):
    return int((time.monotonic() - started) * 1000)
