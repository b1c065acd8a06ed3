"""Outbound webhooks: the ``webhook`` subscriber, its secrets and its delivery log.

A published ``webhook`` document names the event types and the object it wants, an
optional filter formula on the record (checked when the event is handed out, against the
record as it is then; a deleted record's event passes it), and the URL. Its secret is
write-only: saving the document takes it out of the body into ``tessera_webhook_secret``,
so no metadata answer, export or bundle ever holds it.
"""

import json
import time
from dataclasses import dataclass

from sqlalchemy import select

from tessera.metadata import store
from tessera.metadata.store import utcnow

from ..access.admin import require_admin
from ..context import Context
from ..errors import RuntimeFailure
from ..fields.serialize import to_json
from . import secrets, webhook_http
from .subscribers import Outcome
from .tables import delivery_attempt

KIND = "webhook"
#: An event of this type (appended by an automation's ``webhook`` action) goes to the one
#: webhook its ``data.webhook`` names, whatever that webhook's ``events`` and ``filter`` say.
ADDRESSED_EVENT = "automation.webhook"
#: Seconds a dispatcher keeps using a webhook's URL and secret before reading them again.
CACHE_SECONDS = 5.0


class WebhookRefused(RuntimeFailure):
    """A webhook document cannot be saved or published: its URL or secret is not acceptable."""

    code = "webhook_refused"
    status = 422


class WebhookNotFound(RuntimeFailure):
    """No published webhook has that name."""

    code = "webhook_not_found"
    status = 404


@dataclass(frozen=True)
class WebhookOptions:
    """Hosts allowed although they resolve to private addresses, and the seconds a receiver has to answer."""

    allow_hosts: frozenset = frozenset()
    timeout: float = 10.0


def payload_body(event):
    """The JSON body POSTed for ``event`` (UTF-8 bytes)."""
    body = {"id": event.id, "type": event.type, "object": event.object, "record_id": event.record_id,
            "occurred_at": to_json(event.occurred_at), "actor": event.actor, "data": event.data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


class WebhookService:
    """The webhook subscriber of one Runtime, with what admins may do about webhooks."""

    kind = KIND

    def __init__(self, runtime, options=None, *, record_filter):
        self.runtime = runtime
        #: ``record_filter(runtime, conn, ctx, object, formula, ids)``: the ids meeting a filter
        #: (``records.selection.matching_ids``; given by the Runtime, as records write events).
        self.record_filter = record_filter
        self.options = options or WebhookOptions()
        self._cache = {}
        runtime.events.subscribe(self)

    # -- saving and publishing documents -------------------------------------------

    def take_secret(self, conn, kind, name, body):
        """``body`` without its ``secret``, which is stored for webhook ``name``; check its URL.
        Raise WebhookRefused when a webhook would have no secret or an unsafe URL."""
        if kind != KIND or not isinstance(body, dict):
            return body
        body = dict(body)
        secret = body.pop("secret", None)
        if secret is not None:
            if not isinstance(secret, str) or not 16 <= len(secret) <= 255:
                raise WebhookRefused("webhook.secret.invalid", errors={"secret": ["webhook.secret.invalid"]})
            secrets.store(conn, name, secret, utcnow())
        elif isinstance(name, str) and secrets.load(conn, name) is None:
            raise WebhookRefused("webhook.secret.required", errors={"secret": ["webhook.secret.required"]})
        if isinstance(body.get("url"), str):
            self.check_url(body["url"])
        return body

    def check_url(self, url):
        """Raise WebhookRefused unless ``url`` resolves only to allowed addresses now."""
        try:
            webhook_http.resolve(url, self.options.allow_hosts)
        except webhook_http.UnsafeTarget as refused:
            raise WebhookRefused(refused.code, errors={"url": [refused.code]}, **refused.params) from None

    def check_pending(self, conn):
        """Check the URL of every active webhook draft that differs from its published version,
        as every publish does before it applies anything."""
        drafts, published = store.list_documents(conn, KIND), store.list_documents(conn, KIND, published=True)
        for key, body in drafts.items():
            if key[0] == KIND and body != published.get(key) and body.get("active", True):
                self.check_url(body["url"])

    # -- the subscriber ------------------------------------------------------------

    def _published(self, conn):
        model = self.runtime.model(conn)
        return [(name, doc) for (kind, name), doc in sorted(model.documents.items())
                if kind == KIND and doc.get("active", True)]

    def targets(self, runtime, conn, events):
        """``{event id: [webhook name]}``: the active webhooks wanting each event's type and
        object whose filter the record meets."""
        named, published = {}, self._published(conn)
        for name, doc in published:
            wanted = [e for e in events if e.type in doc["events"] and e.object == doc["object"]]
            if doc.get("filter") and wanted:
                passing = self._passing(conn, doc, {e.record_id for e in wanted if e.type != "record.deleted"})
                wanted = [e for e in wanted if e.type == "record.deleted" or e.record_id in passing]
            for event in wanted:
                named.setdefault(event.id, []).append(name)
        self._addressed(events, {name for name, _ in published}, named)
        return named

    @staticmethod
    def _addressed(events, active, named):
        """Add the events an automation's ``webhook`` action addressed to one active webhook by name."""
        for event in events:
            name = event.data.get("webhook") if event.type == ADDRESSED_EVENT and isinstance(event.data, dict) else None
            if name in active and name not in named.get(event.id, ()):
                named.setdefault(event.id, []).append(name)

    def _passing(self, conn, doc, record_ids):
        return self.record_filter(self.runtime, conn, Context.system(None), doc["object"], doc["filter"], record_ids)

    def _target(self, runtime, name):
        """(published document, secret) of webhook ``name``, read at most every CACHE_SECONDS."""
        cached = self._cache.get(name)
        if cached is None or cached[0] < time.monotonic():
            with runtime.read() as conn:
                found = runtime.model(conn).documents.get((KIND, name)), secrets.load(conn, name)
            cached = self._cache[name] = (time.monotonic() + CACHE_SECONDS, *found)
        return cached[1:]

    def deliver(self, runtime, target, event):
        """POST ``event`` to webhook ``target``, signed with its secret; an Outcome."""
        doc, secret = self._target(runtime, target)
        if doc is None or secret is None:
            return Outcome(False, error=f"webhook {target!r} is not published or has no secret")
        body = payload_body(event)
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": str(event.id),
                   "X-Tessera-Event": event.type,
                   "X-Tessera-Signature": webhook_http.signature(secret, int(time.time()), body)}
        return webhook_http.post(doc["url"], body, headers, timeout=self.options.timeout,
                                 allow_hosts=self.options.allow_hosts)

    # -- the delivery log ----------------------------------------------------------

    def deliveries(self, ctx, name, *, before=None, limit=50):
        """The attempts to deliver to webhook ``name``, newest first, with ids below ``before``:
        (documents, the id to continue before or None)."""
        require_admin(ctx)
        limit = max(1, min(limit, 200))
        with self.runtime.read() as conn:
            if (KIND, name) not in self.runtime.model(conn).documents:
                raise WebhookNotFound("webhook.not_found", name=name)
            query = (select(delivery_attempt).where(delivery_attempt.c.subscriber == f"{KIND}:{name}")
                     .order_by(delivery_attempt.c.id.desc()).limit(limit + 1))
            if before is not None:
                query = query.where(delivery_attempt.c.id < before)
            rows = conn.execute(query).mappings().all()
        items = [{"id": r["id"], "event_id": r["event_id"], "at": to_json(r["at"]), "attempt": r["attempt"],
                  "delivered": bool(r["ok"]), "status_code": r["status_code"], "duration_ms": r["duration_ms"],
                  "error": r["error"]} for r in rows[:limit]]
        return items, (rows[limit - 1]["id"] if len(rows) > limit else None)
