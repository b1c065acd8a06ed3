"""The development server of ``tessera serve`` and ``tessera demo``.

It is werkzeug's threaded server with a request handler that changes two things:

- the errors the handler answers itself, before the app sees the request (a request line
  over 64 KiB: 414, header lines too long or too many: 431, an unreadable request: 400),
  are problem documents like every other error, not HTML pages;
- after the app has answered without reading the whole body (a 413, say), the handler
  discards only the bytes already sent and closes the connection, instead of waiting for
  the client to send (or close) whatever it still has.
"""

import json

from werkzeug.serving import WSGIRequestHandler, run_simple

from tessera.i18n import Message, pick_locale

from .problems import HTTP_CODES, problem_fields

#: The parse errors ``http.server`` answers itself; any other status is answered as a bad request.
HANDLER_DETAILS = {414: "http.414", 431: "http.431", 505: "http.505"}


class ProblemRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, with problem+json errors and no wait on an unread body."""

    def send_error(self, code, message=None, explain=None):
        """Answer ``code`` as a problem document and close the connection."""
        message = message or self.responses.get(code, ("",))[0]
        self.log_error("code %d, message %s", code, message)
        locale = self._error_locale()
        detail = Message(HANDLER_DETAILS.get(code, "http.400"))
        problem = problem_fields(code, HTTP_CODES.get(code, "bad_request"), detail, locale, self._error_instance())
        body = json.dumps(problem, ensure_ascii=False).encode("utf-8")
        self.send_response(code, message)
        self.send_header("Content-Type", "application/problem+json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Language", locale)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error_locale(self):
        """The locale Accept-Language asks for, when the headers were read; else the app's default."""
        default = getattr(self.server.app, "config", {}).get("DEFAULT_LOCALE", "en")
        headers = getattr(self, "headers", None)
        return pick_locale(headers.get("Accept-Language") if headers is not None else None, default)

    def _error_instance(self):
        """The request's path, when the request line was read."""
        path = getattr(self, "path", None)
        return path.partition("?")[0] if isinstance(path, str) and path.startswith("/") else None

    def run_wsgi(self):
        """Run the app with a body stream that, once the answer is under way, reads only what has arrived."""
        self.answered = False
        stream = self.rfile
        self.rfile = _UnwaitingBody(stream, self)
        try:
            super().run_wsgi()
        finally:
            self.rfile = stream

    def end_headers(self):
        """Send the headers and note that the answer has begun."""
        super().end_headers()
        self.answered = True


class _UnwaitingBody:
    """The request stream; after the answer has begun, ``read`` returns what has arrived.

    Werkzeug discards what is left of a body after answering, reading while the socket is
    readable; a plain ``read`` of a buffered stream blocks until its size or end of stream,
    so a client that sent part of a refused body and waits for the answer would keep the
    connection open until it gave up. ``read1`` never waits for more than one read.
    """

    def __init__(self, stream, handler):
        self._stream, self._handler = stream, handler

    def read(self, size=-1):
        """Read as a stream does, or at most what has arrived once the answer has begun."""
        if self._handler.answered:
            return self._stream.read1(size if size and size > 0 else 65536)
        return self._stream.read(size)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def serve(app, host, port):
    """Serve ``app`` on ``host``:``port`` with threads until interrupted."""
    run_simple(host, port, app, threaded=True, request_handler=ProblemRequestHandler)
