"""Real servers on 127.0.0.1 for the channel tests: an SMTP server (aiosmtpd) that keeps each
message, and a chat robot server that checks WeCom, DingTalk and Feishu requests as those
services do (DingTalk's and Feishu's signatures included) and answers as they do."""

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server keeping every message it accepts (parsed) in ``messages``."""

    def __init__(self, port=None):
        self.messages = []
        self.port = port or free_port()
        server = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 - aiosmtpd's name
                mail = message_from_bytes(envelope.content, policy=policy.default)
                server.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "mail": mail})
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


def dingtalk_valid(secret, query, now_ms=None):
    """Whether the ``timestamp`` and ``sign`` query parameters sign as DingTalk checks them."""
    stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not stamp.isdigit() or abs((now_ms or time.time() * 1000) - int(stamp)) > 3600 * 1000:
        return False
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)  # parse_qs has URL-decoded it


def feishu_valid(secret, body):
    """Whether the body's ``timestamp`` and ``sign`` sign as Feishu checks them."""
    stamp, sign = str(body.get("timestamp", "")), body.get("sign", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > 3600:
        return False
    digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


class RobotServer:
    """Answers ``/wecom``, ``/dingtalk`` and ``/feishu`` like the robots: 200 with a zero code
    when the request is well formed (and signed, when a secret is set), a non-zero code
    otherwise; ``refuse`` answers a non-zero code to the first that many requests."""

    def __init__(self, *, dingtalk_secret=None, feishu_secret=None, refuse=0):
        self.secrets = {"dingtalk": dingtalk_secret, "feishu": feishu_secret}
        self.requests, self.refuse, self.lock = [], refuse, threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                server.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, robot, query=""):
        return f"http://127.0.0.1:{self.server.server_address[1]}/{robot}{query}"

    def _check(self, robot, query, body):
        if robot == "wecom":
            kind = body.get("msgtype")
            return kind in ("text", "markdown") and isinstance(body.get(kind, {}).get("content"), str)
        if robot == "dingtalk":
            secret = self.secrets["dingtalk"]
            shaped = body.get("msgtype") == "markdown" and {"title", "text"} <= set(body.get("markdown", {}))
            return shaped and (secret is None or dingtalk_valid(secret, query))
        secret = self.secrets["feishu"]
        shaped = body.get("msg_type") == "text" and isinstance(body.get("content", {}).get("text"), str)
        return shaped and (secret is None or feishu_valid(secret, body))

    def handle(self, request):
        parts = urlsplit(request.path)
        robot, query = parts.path.strip("/"), parse_qs(parts.query)
        body = json.loads(request.rfile.read(int(request.headers.get("Content-Length", 0))))
        with self.lock:
            valid = self._check(robot, query, body)
            refused = self.refuse > 0 or not valid
            self.refuse = max(0, self.refuse - 1)
            self.requests.append({"robot": robot, "query": query, "body": body, "valid": valid})
        field = "code" if robot == "feishu" else "errcode"
        answer = json.dumps({field: 310000 if refused else 0, "msg": "refused" if refused else "ok"}).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
