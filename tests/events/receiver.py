"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 in a thread that checks
each delivery's signature as docs/webhooks.md tells receivers to, and records it."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret, header, body, *, tolerance=300, now=None):
    """Whether ``header`` (X-Tessera-Signature) signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, received = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received)


class Receiver:
    """Records every POST as (path, headers, JSON body, whether the signature verified);
    answers the statuses in ``script`` in turn, then ``default``. ``hold`` seconds of
    delay per request lets tests catch overlapping deliveries."""

    def __init__(self, secret, *, script=(), default=200, hold=0.0):
        self.secret, self.script, self.default, self.hold = secret, list(script), default, hold
        self.requests, self.lock = [], threading.Lock()
        self.in_flight = self.most_in_flight_per_event = 0
        self._flying = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server name
                receiver.handle(self)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        """The URL deliveries go to."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def handle(self, request):
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        key = request.headers.get("Idempotency-Key")
        with self.lock:
            self._flying[key] = self._flying.get(key, 0) + 1
            self.most_in_flight_per_event = max(self.most_in_flight_per_event, self._flying[key])
            status = self.script.pop(0) if self.script else self.default
        time.sleep(self.hold)
        ok = verify(self.secret, request.headers.get("X-Tessera-Signature", ""), body)
        with self.lock:
            self._flying[key] -= 1
            self.requests.append({"path": request.path, "headers": dict(request.headers), "body": json.loads(body),
                                  "raw": body, "verified": ok, "status": status})
        request.send_response(status)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def keys(self):
        """The Idempotency-Key of each request, in arrival order."""
        with self.lock:
            return [r["headers"]["Idempotency-Key"] for r in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
