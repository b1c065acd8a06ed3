"""The ``cn_sms`` notification channel: each notification as a short text message, handed to
an SMS gateway over HTTP (the gateway knows each user's mobile number by username).

Configured by the environment variable ``TESSERA_CN_SMS_GATEWAY_URL``; the gateway gets a
POST of ``{"username", "text", "notification"}`` and answers 2xx when it took the message.
The URL goes through Tessera's webhook wire, so a private address needs
``TESSERA_WEBHOOK_ALLOW_HOSTS``. Texts are cut to one SMS segment (70 characters).
"""

import json
import os

from tessera.runtime.events import webhook_http

GATEWAY_VARIABLE = "TESSERA_CN_SMS_GATEWAY_URL"
#: Characters of one SMS segment in UCS-2, the encoding of Chinese texts.
SEGMENT = 70


def sms_text(outgoing):
    """The notification's text, cut to one segment."""
    text = " ".join(outgoing.text.split())
    return text if len(text) <= SEGMENT else text[:SEGMENT - 1] + "…"


class SmsChannel:
    """Sends notifications as text messages through the configured gateway."""

    def available(self, options):
        """Configured when the gateway's URL is in the environment."""
        return bool(os.environ.get(GATEWAY_VARIABLE))

    def reaches(self, options, recipient):
        """The gateway addresses users by username."""
        return True

    def send(self, options, outgoing):
        """POST the message to the gateway; an Outcome (not 2xx: retried)."""
        body = {"username": outgoing.recipient.username, "text": sms_text(outgoing),
                "notification": outgoing.notification_id}
        return webhook_http.post(os.environ[GATEWAY_VARIABLE], json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                 {"Content-Type": "application/json; charset=utf-8"}, timeout=options.timeout,
                                 allow_hosts=options.allow_hosts)
