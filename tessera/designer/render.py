"""Rendering a page with what every page shows: navigation, work links, reader and locale."""

from flask import g, render_template

from tessera.i18n import Message, render

from . import reading
from .design_nav import design_navigation
from .guard import page_locale
from .values import show
from .work import age, stamp, work_navigation


def t(code, **params):
    """Message ``code`` rendered in the page's locale (templates call it as ``t``)."""
    return Message(code, **params).render(page_locale())


def say(message):
    """A message, a translated text or plain text, rendered in the page's locale."""
    return render(message, page_locale())


def page(template, status=200, **context):
    """Render ``template`` with what every page shows: navigation, reader and locale."""
    locale = page_locale()
    ctx = getattr(g, "ctx", None)
    nav = reading.navigation(locale) if ctx is not None else []
    work = work_navigation(ctx) if ctx is not None else []
    design = design_navigation(ctx)
    return render_template(template, locale=locale, nav=nav, work=work, design=design, reader=ctx, show=show, age=age, stamp=stamp,
                           **context), status
