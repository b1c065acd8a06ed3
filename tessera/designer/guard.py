"""Who is looking at a page: the session's user, else a redirect to the login page."""

from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, url_for

from tessera.i18n import pick_locale
from tessera.runtime.errors import AuthenticationFailed

#: Pages anyone may open (the login page and the assets it needs).
OPEN_ENDPOINTS = frozenset({"ui.login", "ui.static"})


def authenticate_page():
    """Set ``g.ctx`` from the session cookie; redirect an anonymous reader to the login page."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    try:
        g.ctx = current_app.extensions["tessera.authenticator"].context_for_request()
    except AuthenticationFailed:
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))
    return None


def safe_next(target):
    """``target`` when it is a path of the app itself, else the app's home (no open redirect)."""
    home = url_for("ui.home")
    if not target:
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith(home) or "\\" in target:
        return home
    return target


def page_locale():
    """The locale of the page: the signed-in user's own, else the browser's preference."""
    ctx = getattr(g, "ctx", None)
    if ctx is not None:
        return ctx.locale
    return pick_locale(request.headers.get("Accept-Language"), current_app.config.get("DEFAULT_LOCALE", "en"))
