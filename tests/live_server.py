"""A live, threaded HTTP server around an app, as `tessera serve` runs it, for tests that
need real connections and real concurrency rather than Flask's test client."""

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from tessera.platform.devserver import ProblemRequestHandler


@contextmanager
def serving(app):
    """Serve ``app`` on 127.0.0.1 with a thread per request; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=ProblemRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
