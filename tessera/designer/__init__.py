"""The web UI: server-rendered pages of the generated app, enhanced by small ES modules.

``init_app`` registers the ``ui`` blueprint under ``/app`` (with ``/`` redirecting to it),
its security headers and its page authentication. Pages read through the runtime's
services with the user's context; writes go from the browser to the REST API with the
session cookie and the ``X-CSRF-Token`` header, so the UI can do nothing the API refuses.
"""

from flask import redirect, url_for

from .guard import OPEN_ENDPOINTS, authenticate_page
from .headers import add_security_headers
from .pages import create_blueprint

__all__ = ["init_app"]


def init_app(app):
    """Register the web UI on ``app`` (call before the platform installs authentication)."""
    blueprint = create_blueprint()
    blueprint.before_request(authenticate_page)
    blueprint.after_request(add_security_headers)
    app.register_blueprint(blueprint)
    app.add_url_rule("/", "ui_root", lambda: redirect(url_for("ui.home")))
    pages = {name for name in app.view_functions if name.startswith("ui.")} | OPEN_ENDPOINTS
    app.extensions["tessera.self_authenticating"] = frozenset(pages | {"ui_root"})
