"""Browser login: POST /auth/login sets the session cookie, POST /auth/logout ends it."""

from flask import Response, g
from sqlalchemy import select

from tessera.runtime.audit import log as audit
from tessera.runtime.schema.system_tables import web_session
from tessera.runtime.identity.users import get_user, user_json
from tessera.runtime.identity.login import log_in
from tessera.runtime.identity.sessions import close_session

from ..auth import CSRF_COOKIE, SESSION_COOKIE, client_ip
from ..jsonio import json_response
from .common import ctx, runtime
from .guards import object_body


def _set_cookies(response, secret, csrf):
    age = int(runtime().login_policy.session_lifetime.total_seconds())
    response.set_cookie(SESSION_COOKIE, secret, max_age=age, secure=True, httponly=True, samesite="Lax", path="/")
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, secure=True, httponly=False, samesite="Lax", path="/")


def login():
    """Check username and password; answer the profile and the CSRF token, set the session cookie."""
    body = object_body()
    user_ctx, secret, csrf = log_in(runtime(), body.get("username"), body.get("password"), client_ip())
    g.ctx = user_ctx
    with runtime().read() as conn:
        profile = user_json(conn, get_user(conn, user_ctx.user_id))
    response = json_response({"user": profile, "csrf_token": csrf})
    _set_cookies(response, secret, csrf)
    return response


def logout():
    """End the caller's browser session and clear its cookies."""
    caller = ctx()
    if caller.session_id is not None:
        with runtime().write() as conn:
            close_session(conn, caller.session_id)
            audit.record(conn, "logout", caller, subject=caller.username)
    response = Response(status=204)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="Lax")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="Lax")
    return response


def session_info():
    """Who the caller is, how they authenticated and, for a browser session, its CSRF token."""
    caller = ctx()
    with runtime().read() as conn:
        profile = user_json(conn, get_user(conn, caller.user_id))
        csrf = None
        if caller.session_id is not None:
            csrf = conn.execute(select(web_session.c.csrf_token).where(web_session.c.id == caller.session_id)).scalar_one()
    return json_response({"user": profile, "authenticated_by": "session" if csrf else "token", "csrf_token": csrf})


def register(bp):
    """Add the login, logout and session routes to ``bp``."""
    bp.add_url_rule("/auth/login", "auth_login", login, methods=["POST"])
    bp.add_url_rule("/auth/logout", "auth_logout", logout, methods=["POST"])
    bp.add_url_rule("/auth/session", "auth_session", session_info, methods=["GET"])
