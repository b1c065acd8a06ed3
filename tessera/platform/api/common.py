"""What the API views share: the runtime of the app and the acting context."""

from flask import current_app, g


def runtime():
    """The Runtime of the current app."""
    return current_app.extensions["tessera"]


def ctx():
    """The Context of the authenticated caller."""
    return g.ctx


def comma_list(text):
    """Split ``a,b , c`` into ["a", "b", "c"]; None for an absent parameter."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]
