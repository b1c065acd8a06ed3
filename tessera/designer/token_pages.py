"""The reader's own API tokens (``/app/tokens``, open to every signed-in user): the list with
when each was created and last used, the form creating one (its secret is shown once, by the
browser, from the API's answer; no page ever renders it) and revoking. Writes go to
``/api/v1/tokens`` (``static/tokens.js``)."""

from flask import g

from tessera.runtime.identity.tokens import MAX_DAYS, SCOPES

from .reading import runtime
from .render import page


def tokens():
    """The reader's tokens, newest first, revoked ones marked."""
    found = runtime().tokens.list(g.ctx)
    return page("app/tokens.html", tokens=found, scopes=SCOPES, max_days=MAX_DAYS)


def add_token_pages(bp):
    """Register the tokens page on the ``ui`` blueprint."""
    bp.add_url_rule("/tokens", "tokens", tokens)
