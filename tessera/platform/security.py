"""Wiring identity and security into the Flask app: authentication, OpenAPI trimming, audit."""

from .api import PUBLIC_ENDPOINTS
from .audit_hooks import audit_after_request
from .auth import Authenticator, require_authentication
from .openapi.visibility import caller_view


def install_security(app, runtime):
    """Authenticate every request but the public endpoints, trim the OpenAPI document per
    caller and write the request-level audit entries. Call after the API is registered."""
    app.before_request(require_authentication(Authenticator(runtime), PUBLIC_ENDPOINTS))
    app.after_request(audit_after_request(runtime))
    if "api.openapi" in app.view_functions:
        app.view_functions["api.openapi"] = caller_view(app.view_functions["api.openapi"], runtime)
