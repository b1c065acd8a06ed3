"""The built-in chat robot channels: a group robot of WeCom, DingTalk or Feishu per deployment.

Each posts one message per notification to its robot's webhook URL, naming the recipient
(``@display name``) and linking to the record. URLs and secrets are settings (never in the
API): ``WECOM_WEBHOOK_URL`` (and ``WECOM_MSGTYPE``: ``markdown`` or ``text``),
``DINGTALK_WEBHOOK_URL`` with ``DINGTALK_SECRET``, ``FEISHU_WEBHOOK_URL`` with
``FEISHU_SECRET``. A robot URL is refused, as a webhook's is, when it resolves to a
private address not on ``WEBHOOK_ALLOW_HOSTS``. A robot that answers 200 with a non-zero
``errcode`` (WeCom, DingTalk) or ``code`` (Feishu) has not delivered: the delivery is retried.
"""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus

from ..events import webhook_http
from ..events.subscribers import Outcome

HEADERS = {"Content-Type": "application/json; charset=utf-8"}
TITLE_CHARS = 64


def dingtalk_sign(secret, timestamp_ms):
    """DingTalk's ``sign``: base64 of HMAC-SHA256 keyed by the secret over "<timestamp>\\n<secret>",
    URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret, timestamp):
    """Feishu's ``sign``: base64 of HMAC-SHA256 keyed by "<timestamp>\\n<secret>" over nothing."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def plain_text(outgoing):
    """The message as plain text: who it is for, what happened, the link."""
    return f"@{outgoing.recipient.display_name} {outgoing.text}" + (f"\n{outgoing.url}" if outgoing.url else "")


def markdown_text(outgoing):
    """The message as robot markdown."""
    link = f"\n\n[{outgoing.url}]({outgoing.url})" if outgoing.url else ""
    return f"**@{outgoing.recipient.display_name}** {outgoing.text}{link}"


def _robot_answer(outcome, field):
    """The Outcome, failed when a 2xx answer carries a non-zero ``field`` (the robot refused)."""
    if not outcome.ok:
        return outcome
    try:
        code = json.loads(outcome.answer or "{}").get(field, 0)
    except (ValueError, AttributeError):
        return outcome
    if code in (0, None):
        return outcome
    return Outcome(False, outcome.status_code, outcome.duration_ms, f"robot refused: {outcome.answer}", outcome.answer)


class RobotChannel:
    """A chat robot reached at the URL of setting ``url_setting``."""

    url_setting = ""
    answer_field = "errcode"

    def available(self, options):
        """Configured when the robot's URL is set."""
        return bool(options.setting(self.url_setting))

    def reaches(self, options, recipient):
        """A group robot reaches every user (it posts in the group, naming them)."""
        return True

    def send(self, options, outgoing):
        """POST the robot's JSON to its URL; an Outcome."""
        url, body = self.request(options, outgoing)
        encoded = json.dumps(body, ensure_ascii=False).encode("utf-8")
        outcome = webhook_http.post(url, encoded, HEADERS, timeout=options.timeout, allow_hosts=options.allow_hosts)
        return _robot_answer(outcome, self.answer_field)


class WeComChannel(RobotChannel):
    """A WeCom (企业微信) group robot: ``{"msgtype": "markdown" | "text", ...}``."""

    url_setting = "WECOM_WEBHOOK_URL"

    def request(self, options, outgoing):
        """(URL, JSON body) for WeCom."""
        url = options.setting(self.url_setting)
        if options.setting("WECOM_MSGTYPE", "markdown") == "text":
            return url, {"msgtype": "text", "text": {"content": plain_text(outgoing)}}
        return url, {"msgtype": "markdown", "markdown": {"content": markdown_text(outgoing)}}


class DingTalkChannel(RobotChannel):
    """A DingTalk (钉钉) group robot, signed when ``DINGTALK_SECRET`` is set."""

    url_setting = "DINGTALK_WEBHOOK_URL"

    def request(self, options, outgoing):
        """(URL with ``timestamp`` and ``sign``, markdown JSON body) for DingTalk."""
        url, secret = options.setting(self.url_setting), options.setting("DINGTALK_SECRET")
        if secret:
            stamp = int(time.time() * 1000)
            url += ("&" if "?" in url else "?") + f"timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
        title = " ".join(outgoing.subject.split())[:TITLE_CHARS]
        return url, {"msgtype": "markdown", "markdown": {"title": title, "text": markdown_text(outgoing)}}


class FeishuChannel(RobotChannel):
    """A Feishu (飞书) custom bot, signed when ``FEISHU_SECRET`` is set."""

    url_setting = "FEISHU_WEBHOOK_URL"
    answer_field = "code"

    def request(self, options, outgoing):
        """(URL, text JSON body with ``timestamp`` and ``sign``) for Feishu."""
        body = {"msg_type": "text", "content": {"text": plain_text(outgoing)}}
        secret = options.setting("FEISHU_SECRET")
        if secret:
            stamp = int(time.time())
            body.update(timestamp=str(stamp), sign=feishu_sign(secret, stamp))
        return options.setting(self.url_setting), body
