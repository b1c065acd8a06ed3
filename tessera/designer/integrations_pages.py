"""The designer's "Integrations" area (administrators): outbound webhooks with their delivery
log, and inbound endpoints with the URL to call and their failed payloads.

Webhooks and endpoints are metadata: the forms save drafts through ``/api/v1/metadata/...``
(published with the rest of the model, elsewhere); their secrets are write-only, so a page
only says whether one is needed. Retrying a dead event and replaying a failed payload go to
``/api/v1/events/<id>/retry`` and ``/api/v1/inbound/<name>/failed/<id>/replay``.
"""

from flask import g

from tessera.runtime.access.admin import require_admin

from . import integrations_reading as integrations
from .guard import page_locale
from .render import page


def overview():
    """Webhooks and inbound endpoints (drafts, published or not) and the dead events to retry."""
    require_admin(g.ctx)
    events, more = integrations.dead_events()
    return page("app/design/integrations.html", webhooks=integrations.drafts("webhook"),
                endpoints=integrations.drafts("inbound_endpoint"), dead=events, more_dead=more)


def _webhook_form(doc, version=None, published=False, **extra):
    return page("app/design/integrations_webhook.html", doc=doc, version=version, published=published,
                objects=integrations.object_choices(page_locale()), known_events=integrations.KNOWN_EVENTS, **extra)


def new_webhook():
    """The form of a new webhook draft."""
    require_admin(g.ctx)
    return _webhook_form(None)


def webhook(name):
    """A webhook's draft to edit; once published, its open deliveries and attempts."""
    doc, version, published = integrations.draft("webhook", name)
    if not published:
        return _webhook_form(doc, version, published)
    attempts, next_cursor = integrations.attempts(name)
    return _webhook_form(doc, version, published, attempts=attempts, next_cursor=next_cursor,
                         open_deliveries=integrations.open_deliveries(name))


def _endpoint_form(doc, version=None, published=False, **extra):
    return page("app/design/integrations_inbound.html", doc=doc, version=version, published=published,
                objects=integrations.object_choices(page_locale()), pretty=integrations.pretty, **extra)


def new_endpoint():
    """The form of a new inbound endpoint draft."""
    require_admin(g.ctx)
    return _endpoint_form(None)


def endpoint(name):
    """An endpoint's draft to edit; once published, the URL to call and its failed payloads."""
    doc, version, published = integrations.draft("inbound_endpoint", name)
    if not published:
        return _endpoint_form(doc, version, published)
    failed, next_cursor = integrations.failures(name)
    return _endpoint_form(doc, version, published, failed=failed, next_cursor=next_cursor,
                          url=integrations.inbound_url(name))


def add_integrations_pages(bp):
    """Register the integrations pages on the ``ui`` blueprint."""
    base = "/design/integrations"
    bp.add_url_rule(base, "design_integrations", overview)
    bp.add_url_rule(f"{base}/webhooks/new", "design_integrations_new_webhook", new_webhook)
    bp.add_url_rule(f"{base}/webhooks/<name>", "design_integrations_webhook", webhook)
    bp.add_url_rule(f"{base}/inbound/new", "design_integrations_new_endpoint", new_endpoint)
    bp.add_url_rule(f"{base}/inbound/<name>", "design_integrations_endpoint", endpoint)
