"""Wiring identity and security into the Flask app: authentication, OpenAPI trimming, audit sweeps."""

from .api import PUBLIC_ENDPOINTS
from .auth import Authenticator, require_authentication
from .openapi.visibility import caller_view


def sweep_coalesced_audit(runtime):
    """Return an after_request hook writing the summaries of closed admin-override windows.

    The runtime writes every audit entry itself; this only gives it a regular moment,
    any request, to write the counted repeats of override reads (swept at most once a second).
    """

    def hook(response):
        runtime.overrides.flush()
        return response

    return hook


def install_security(app, runtime):
    """Authenticate every request but the public endpoints, trim the OpenAPI document per
    caller and sweep the coalesced audit entries. Call after the API is registered.

    Endpoints listed in ``app.extensions["tessera.self_authenticating"]`` (the web UI's
    pages) authenticate themselves with ``app.extensions["tessera.authenticator"]``, so
    they can answer a login redirect instead of a 401 problem.
    """
    authenticator = app.extensions["tessera.authenticator"] = Authenticator(runtime)
    public = PUBLIC_ENDPOINTS | frozenset(app.extensions.get("tessera.self_authenticating", ()))
    app.before_request(require_authentication(authenticator, public))
    app.after_request(sweep_coalesced_audit(runtime))
    if "api.openapi" in app.view_functions:
        app.view_functions["api.openapi"] = caller_view(app.view_functions["api.openapi"], runtime)
