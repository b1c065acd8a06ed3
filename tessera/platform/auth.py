"""Authentication of API requests: a Bearer token or a browser session cookie names the user.

The HTTP layer only authenticates — and enforces what belongs to the credential itself:
the CSRF token of cookie sessions and the scope of API tokens. What the user may do is
the runtime's decision.
"""

import time

from flask import g, request

from tessera.runtime.errors import AuthenticationFailed, DatabaseBusy, ScopeExceeded
from tessera.runtime.identity.principal import PrincipalCache, user_with_version
from tessera.runtime.identity.sessions import csrf_matches, find_session, touch_session
from tessera.runtime.identity.tokens import authenticate_token_with_user, note_token_rejected, note_token_used

from .jsonio import raw_body
from .problems import ApiProblem

#: Seconds between two writes of a token's or session's last-used time (keeps reads read-only).
TOUCH_INTERVAL = 60
SESSION_COOKIE = "tessera_session"
CSRF_COOKIE = "tessera_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Endpoints an object-scoped token may call besides the records of its objects (the runtime
#: checks an inbound endpoint's object against the scope).
SCOPED_TOKEN_ENDPOINTS = frozenset({"api.users_me", "api.openapi", "api.inbound_receive"})
#: Endpoints that also take, instead of a bearer token, a request signed with their secret.
SIGNED_ENDPOINTS = frozenset({"api.inbound_receive"})
SIGNATURE_HEADER = "X-Tessera-Signature"


def client_ip():
    """The address the request came from (put ProxyFix in front when behind a proxy)."""
    return request.remote_addr


class Authenticator:
    """Turns the Authorization header or the session cookie into a Context.

    One read transaction per request: the token (or session) row, its user row and the
    directory version, then the published revision. The user's directory facts come from
    a per-process ``PrincipalCache`` keyed by the directory version, so a revoked token,
    a deactivated user or a changed assignment acts on the very next request.
    """

    def __init__(self, runtime, principals=None):
        self.runtime = runtime
        self.principals = principals or PrincipalCache()
        self._touched = {}

    def context_for_request(self):
        """Return the Context of the request's credential or raise AuthenticationFailed."""
        header = request.headers.get("Authorization")
        if header is not None:
            return self._from_token(header)
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is not None and request.endpoint in SIGNED_ENDPOINTS:
            return self._from_signature(signature)
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            return self._from_session(secret)
        raise AuthenticationFailed("auth.bearer_required")

    def _from_token(self, header):
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationFailed("auth.bearer_required")
        try:
            with self.runtime.read() as conn:
                row, user_row, version, revision = authenticate_token_with_user(conn, secret.strip())
                self.runtime.use_revision(revision)
                model = self._model(conn)
                ctx = self.principals.context(conn, model, user_row, version, token=row, ip=client_ip())
        except AuthenticationFailed as error:
            self._note_rejection(error)
            raise
        self._note_use(("token", ctx.token_id), lambda conn: note_token_used(conn, ctx))
        return ctx

    def _from_signature(self, header):
        """The Context of the user a signed inbound request acts as (its endpoint's ``run_as``)."""
        user_id = self.runtime.inbound.signer(request.view_args["name"], header, raw_body())
        with self.runtime.read() as conn:
            user_row, version = user_with_version(conn, user_id)
            return self.principals.context(conn, self._model(conn), user_row, version, ip=client_ip())

    def _model(self, conn):
        """The request's compiled model (read once per request scope)."""
        return self.runtime.model(conn)

    def _note_rejection(self, error):
        token_id = getattr(error, "token_id", None)
        if token_id is not None and self._due(("rejected", token_id)):
            with self.runtime.write() as conn:
                note_token_rejected(conn, error, client_ip())

    def _from_session(self, secret):
        with self.runtime.read() as conn:
            session = find_session(conn, secret, self.runtime.login_policy)
            user_row, version = user_with_version(conn, session["user_id"])
            ctx = self.principals.context(conn, self._model(conn), user_row, version, session_id=session["id"],
                                          ip=client_ip())
        if request.method not in SAFE_METHODS and not csrf_matches(session, request.headers.get(CSRF_HEADER)):
            raise ApiProblem(403, "csrf_failed", "auth.csrf_required")
        self._note_use(("session", session["id"]), lambda conn: touch_session(conn, session["id"]))
        return ctx

    def _note_use(self, key, write):
        """Record, at most once a TOUCH_INTERVAL, that a token or session was used. A request
        does not queue behind another writer for it (a long SQLite publish holds the lock):
        while the lock is taken the note waits for a later request."""
        if not self._due(key):
            return
        try:
            with self.runtime.write(wait=False) as conn:
                write(conn)
        except DatabaseBusy:
            self._touched.pop(key, None)

    def _due(self, key):
        now = time.monotonic()
        if now - self._touched.get(key, -TOUCH_INTERVAL) < TOUCH_INTERVAL:
            return False
        if len(self._touched) > 10000:
            self._touched.clear()
        self._touched[key] = now
        return True


def check_token_scope(ctx):
    """Raise ScopeExceeded when the request goes beyond what the caller's token allows."""
    scope = ctx.scope
    if scope is None:
        return
    if scope.read_only and request.method not in SAFE_METHODS:
        raise ScopeExceeded("access.token.read_only")
    if scope.objects is None:
        return
    object_name = (request.view_args or {}).get("object_name")
    if object_name is None and request.endpoint not in SCOPED_TOKEN_ENDPOINTS:
        raise ScopeExceeded("access.token.records_only")
    if object_name is not None and object_name not in scope.objects:
        raise ScopeExceeded("access.token.object_denied", object=object_name)


def require_authentication(authenticator, public_endpoints):
    """Return a before_request hook that authenticates every endpoint but ``public_endpoints``.

    An unknown path under /api/ needs authentication too, so anonymous callers cannot
    map the API by probing (they get 401, not 404 or 405).
    """

    def authenticate():
        endpoint = request.endpoint
        if endpoint in public_endpoints:
            return None
        if endpoint is None and not request.path.startswith("/api/"):
            return None
        ctx = g.ctx = authenticator.context_for_request()
        check_token_scope(ctx)
        return None

    return authenticate


#: The name the app factory used before sessions existed.
TokenAuthenticator = Authenticator
