"""The platform's view of the message catalogs: problem titles and the reader's locale.

Messages are codes with parameters rendered from the catalogs of ``tessera.i18n``; this
module only adds what HTTP needs: the title of each problem code (``problem.<code>`` in
``tessera/platform/locales``) and the locale an Accept-Language header prefers.
"""

from tessera.i18n import LOCALES, Message, catalog, pick_locale, render

__all__ = ["LOCALES", "pick_locale", "title", "translate"]


def title(code, locale):
    """The short title of problem ``code`` in ``locale`` (a generic one for an unknown code)."""
    key = f"problem.{code}" if f"problem.{code}" in catalog("en") else "problem.bad_request"
    return Message(key).render(locale)


def translate(message, locale):
    """Render ``message`` (a Message, a translated text or plain text) in ``locale``."""
    return render(message, locale)


def init_app(app):
    """Give Jinja templates ``t(code, **params)``: the message rendered in the request's locale."""
    from .problems import request_locale  # problems renders titles with this module

    def t(code, **params):
        return Message(code, **params).render(request_locale())

    app.jinja_env.globals["t"] = t
