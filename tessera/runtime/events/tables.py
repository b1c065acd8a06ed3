"""The delivery state of events, on the runtime's MetaData (created by ``Runtime.create_schema``).

An outbox event is handed to its subscribers once (``tessera_outbox.delivered_at`` marks
that moment): one ``tessera_delivery`` row per (event, subscriber) then carries that
subscriber's attempts, lease, backoff and status. Every attempt leaves a row in
``tessera_delivery_attempt`` (the webhook delivery log). Webhook secrets live in
``tessera_webhook_secret``, never in a metadata document.
"""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, UniqueConstraint

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

delivery = Table(
    "tessera_delivery",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("event_id", ID_TYPE, nullable=False),
    Column("subscriber", String(127), nullable=False),  # "<kind>:<name>", e.g. "webhook:erp"
    Column("object", String(63), nullable=True),
    Column("record_id", ID_TYPE, nullable=True),
    Column("status", String(16), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False, default=0),
    Column("due_at", DateTime, nullable=False),
    Column("claim_token", String(32), nullable=True),
    Column("claimed_by", String(255), nullable=True),
    Column("lease_until", DateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("delivered_at", DateTime, nullable=True),
    UniqueConstraint("event_id", "subscriber", name="uq_delivery_event_subscriber"),
    Index("ix_delivery_due", "status", "due_at", "id"),
    Index("ix_delivery_order", "subscriber", "object", "record_id", "event_id"),
    sqlite_autoincrement=True,
)

delivery_attempt = Table(
    "tessera_delivery_attempt",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("delivery_id", ID_TYPE, nullable=False),
    Column("event_id", ID_TYPE, nullable=False),
    Column("subscriber", String(127), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("ok", Integer, nullable=False),  # 1 delivered, 0 failed
    Column("status_code", Integer, nullable=True),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Index("ix_delivery_attempt_subscriber", "subscriber", "id"),
    Index("ix_delivery_attempt_delivery", "delivery_id"),
    sqlite_autoincrement=True,
)

webhook_secret = Table(
    "tessera_webhook_secret",
    runtime_schema,
    Column("name", String(63), primary_key=True),
    Column("secret", String(255), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
