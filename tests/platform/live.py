"""A live server for tests that need real HTTP: werkzeug's threaded server, as ``tessera serve`` runs it."""

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from tessera.platform.devserver import ProblemRequestHandler


class CountingApp:
    """A WSGI app counting the requests it passes to ``app``."""

    def __init__(self, app):
        self.app, self.requests, self._lock = app, 0, threading.Lock()
        self.config = app.config  # the request handler reads the default locale from it

    def __call__(self, environ, start_response):
        with self._lock:
            self.requests += 1
        return self.app(environ, start_response)


@contextmanager
def live_server(app):
    """Serve ``app`` on a free local port in a thread; yield (base URL, CountingApp); stop after."""
    counted = CountingApp(app)
    server = make_server("127.0.0.1", 0, counted, threaded=True, request_handler=ProblemRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", counted
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
