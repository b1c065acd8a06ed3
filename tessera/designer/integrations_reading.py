"""What the integrations pages read (administrators): webhook and inbound endpoint drafts, a
webhook's delivery attempts and its deliveries waiting or dead, an endpoint's failed payloads.
Everything through the runtime's services with the reader's context."""

import json
from dataclasses import dataclass

from flask import g, request, url_for

from .fields import localized
from .reading import runtime

PAGE = 50
#: Events scanned for one webhook's open deliveries (the events API is not filtered by subscriber).
SCAN = 200
KNOWN_EVENTS = ("record.created", "record.updated", "record.deleted", "approval.submitted", "approval.approved",
                "approval.rejected", "approval.recalled")


def _cursor(name="cursor"):
    text = request.args.get(name, "")
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 19 else None


def drafts(kind):
    """Every draft of ``kind``, by name, each with whether a version of it is published."""
    docs = sorted(runtime().metadata.list(g.ctx, kind), key=lambda doc: doc["name"])
    live = {doc["name"] for doc in runtime().metadata.list(g.ctx, kind, published=True)}
    return [(doc, doc["name"] in live) for doc in docs]


def draft(kind, name):
    """(draft body, version, whether a version is published); raises when there is no draft."""
    found = runtime().metadata.get(g.ctx, kind, name)
    return found["body"], found["version"], found["published_version"] is not None


def object_choices(locale):
    """(name, label) of every published object, by label."""
    with runtime().read() as conn:
        model = runtime().model(conn)
    pairs = [(name, localized(obj.doc.get("label"), locale, name)) for name, obj in model.objects.items()]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


def attempts(name):
    """(a page of webhook ``name``'s attempts, newest first; the cursor of the next page)."""
    return runtime().webhooks.deliveries(g.ctx, name, before=_cursor(), limit=PAGE)


@dataclass(frozen=True)
class OpenDelivery:
    """A delivery of one event to the webhook that is not done: waiting for a retry, or dead."""

    event: dict
    delivery: dict


def open_deliveries(name):
    """The webhook's deliveries still pending or dead (dead first), from the oldest events."""
    subscriber, found = f"webhook:{name}", []
    for status in ("dead", "pending"):
        events, _ = runtime().events.list(g.ctx, status=status, limit=SCAN)
        for event in events:
            found.extend(OpenDelivery(event, d) for d in event["deliveries"]
                         if d["subscriber"] == subscriber and d["status"] == status)
    return found


def dead_events():
    """The oldest dead events (any subscriber) and whether there are more."""
    events, more = runtime().events.list(g.ctx, status="dead", limit=PAGE)
    return events, more is not None


def failures(name):
    """(a page of endpoint ``name``'s failed payloads, oldest first; the cursor of the next page)."""
    return runtime().inbound.failures(g.ctx, name, after=_cursor(), limit=PAGE, locale=g.ctx.locale)


def pretty(value):
    """A payload as indented JSON text (decimals as they came)."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def inbound_url(name):
    """The full URL senders POST to."""
    return url_for("api.inbound_receive", name=name, _external=True)

