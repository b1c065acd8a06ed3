"""Inbound endpoints: JSON received over HTTP becomes a record, created or updated by its external id.

``InboundService.receive`` maps a payload with the published ``inbound_endpoint`` document
and upserts through the records service as the acting user (a token's user, or the
endpoint's ``run_as`` user for a signed request), so permissions, field security,
validation, history and outbox events apply as to any write. A payload refused as
invalid (422) is kept; an administrator lists those and replays one after fixing the
mapping (``failures``, ``replay``).
"""

from tessera.metadata.store import utcnow

from ..access.admin import require_admin
from ..audit import log as audit
from ..errors import AuthenticationFailed, ConflictingValue, RecordInvalid, RuntimeFailure
from ..identity.principal import context_for_user
from . import inbound_failures as failures
from . import inbound_secrets
from .inbound_mapping import map_payload
from .inbound_upsert import upsert_in

KIND = inbound_secrets.KIND
#: Most failed payloads one page lists.
MAX_PAGE = 200


class InboundEndpointNotFound(RuntimeFailure):
    """No active published inbound endpoint has that name."""

    code = "inbound_endpoint_not_found"
    status = 404


class InboundFailureNotFound(RuntimeFailure):
    """The endpoint kept no failed payload with that id."""

    code = "inbound_failure_not_found"
    status = 404


class InboundReplayRefused(RuntimeFailure):
    """The failed payload was replayed already, or the user it came from is gone."""

    code = "inbound_replay_refused"
    status = 409


class InboundService:
    """Inbound endpoints of one Runtime: receiving, the failed payloads and their replay."""

    def __init__(self, runtime):
        self.runtime = runtime

    def take_secret(self, conn, kind, name, body):
        """``body`` without its write-only ``secret`` (stored apart); see ``inbound_secrets.take_secret``."""
        return inbound_secrets.take_secret(conn, kind, name, body)

    def _endpoint(self, conn, name):
        doc = self.runtime.model(conn).documents.get((KIND, name))
        if doc is None or not doc.get("active", True):
            raise InboundEndpointNotFound("inbound.endpoint.not_found", name=name)
        return doc

    def signer(self, name, header, body):
        """The id of the user a request to endpoint ``name`` signed with ``header`` over the raw
        ``body`` acts as (its ``run_as``); AuthenticationFailed when the signature does not hold."""
        with self.runtime.read() as conn:
            doc = self.runtime.model(conn).documents.get((KIND, name))
            return inbound_secrets.signer(conn, doc, name, header, body, self.runtime.clock())

    # -- receiving -----------------------------------------------------------------

    def receive(self, ctx, name, payload, body):
        """Upsert the record ``payload`` (``body``: its JSON text) maps to: an Upserted (object,
        record, created?). An invalid payload is kept; its RecordInvalid carries ``extra["failed_id"]``."""
        with self.runtime.read() as conn:
            endpoint = self._endpoint(conn, name)
            _, obj = self.runtime.object_for(conn, endpoint["object"])
            self.runtime.access.object_access(ctx, obj, "create")
        try:
            return self._upsert(ctx, endpoint, payload)
        except RecordInvalid as error:
            with self.runtime.write() as conn:
                failed_id = failures.keep(conn, name, body, error.errors, ctx.user_id, utcnow())
                audit.record(conn, "inbound.payload_kept", ctx, object_name=endpoint["object"], subject=name,
                             details={"failed_id": failed_id})
            error.extra = {"failed_id": failed_id}
            raise

    def _upsert(self, ctx, endpoint, payload, *, then=None):
        values = map_payload(endpoint["mapping"], payload)
        try:
            return self._write(ctx, endpoint, values, then)
        except ConflictingValue:  # a writer outside inbound took the external id meanwhile: update it
            return self._write(ctx, endpoint, values, then)

    def _write(self, ctx, endpoint, values, then):
        with self.runtime.write() as conn:
            found = upsert_in(self.runtime, conn, ctx, endpoint, values)
            if then is not None:
                then(conn, found.record)
            return found

    # -- failed payloads -----------------------------------------------------------

    def failures(self, ctx, name, *, after=None, limit=50, locale="en"):
        """The failed payloads of endpoint ``name``, oldest first: (documents, id to continue after or None)."""
        require_admin(ctx)
        limit = max(1, min(limit, MAX_PAGE))
        with self.runtime.read() as conn:
            self._endpoint(conn, name)
            rows, more = failures.page(conn, name, after=after, limit=limit)
        items = [failures.document(row, locale) for row in rows]
        return items, (rows[-1]["id"] if more else None)

    def replay(self, ctx, name, failure_id):
        """Map failed payload ``failure_id`` again with the published mapping and upsert it as the
        user it came from (the replaying administrator when it came from none): an Upserted.
        Still invalid: kept with its new errors, raised."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            endpoint = self._endpoint(conn, name)
            row = failures.load(conn, name, failure_id)
            if row is None:
                raise InboundFailureNotFound("inbound.failure.not_found", id=failure_id)
            actor = self._actor(conn, row, ctx)
        try:
            return self._upsert(actor, endpoint, failures.parse_body(row["body"]),
                                then=lambda conn, record: self._settle(conn, ctx, endpoint, row, record))
        except RecordInvalid as error:
            with self.runtime.write() as conn:
                failures.note_attempt(conn, failure_id, error.errors, utcnow())
            error.extra = {"failed_id": failure_id}
            raise

    def _actor(self, conn, row, ctx):
        if row["status"] != "failed":
            raise InboundReplayRefused("inbound.failure.replayed", id=row["id"])
        if row["actor_id"] is None:
            return ctx
        try:
            return context_for_user(conn, self.runtime.model(conn), row["actor_id"])
        except AuthenticationFailed:
            raise InboundReplayRefused("inbound.failure.actor_inactive", id=row["id"]) from None

    @staticmethod
    def _settle(conn, ctx, endpoint, row, record):
        if not failures.mark_replayed(conn, row["id"], record["id"], utcnow()):
            raise InboundReplayRefused("inbound.failure.replayed", id=row["id"])
        audit.record(conn, "inbound.replayed", ctx, object_name=endpoint["object"], record_id=record["id"],
                     subject=endpoint["name"], details={"failed_id": row["id"]})
