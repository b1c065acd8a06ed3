"""Authentication of API requests: a Bearer token names the acting user.

The HTTP layer only authenticates; what the user may do is the runtime's decision.
"""

import time

from flask import g, request

from tessera.runtime.errors import AuthenticationFailed
from tessera.runtime.identity import authenticate_token, touch_token

#: Seconds between two writes of a token's last-used time (keeps reads read-only).
TOUCH_INTERVAL = 60


class TokenAuthenticator:
    """Turns the Authorization header into a Context, remembering recent token use."""

    def __init__(self, runtime):
        self.runtime = runtime
        self._touched = {}

    def context_for_request(self):
        """Return the Context of the request's bearer token or raise AuthenticationFailed."""
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationFailed("an Authorization: Bearer token is required")
        with self.runtime.read() as conn:
            ctx = authenticate_token(conn, secret.strip())
        self._touch(ctx.token_id)
        return ctx

    def _touch(self, token_id):
        now = time.monotonic()
        if now - self._touched.get(token_id, -TOUCH_INTERVAL) < TOUCH_INTERVAL:
            return
        self._touched[token_id] = now
        with self.runtime.write() as conn:
            touch_token(conn, token_id)


def require_authentication(authenticator, public_endpoints):
    """Return a before_request hook that authenticates all but ``public_endpoints``."""

    def authenticate():
        if request.endpoint in public_endpoints or request.endpoint is None:
            return None
        g.ctx = authenticator.context_for_request()
        return None

    return authenticate
