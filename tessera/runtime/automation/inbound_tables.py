"""The tables of inbound endpoints, on the runtime's MetaData (created by ``Runtime.create_schema``).

``tessera_inbound_secret`` keeps each endpoint's signing secret, never in a metadata
document. ``tessera_inbound_failure`` keeps every payload refused as invalid (422), with
its errors, until an administrator replays it after fixing the mapping.
"""

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

inbound_secret = Table(
    "tessera_inbound_secret",
    runtime_schema,
    Column("name", String(63), primary_key=True),
    Column("secret", String(255), nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

inbound_failure = Table(
    "tessera_inbound_failure",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("endpoint", String(63), nullable=False),
    Column("status", String(16), nullable=False),  # failed | replayed
    Column("body", Text, nullable=False),  # the payload as received (JSON text)
    Column("errors", JSON, nullable=False),  # {locale: {field path: [text]}}
    Column("actor_id", ID_TYPE, nullable=True),  # the user the payload came from (token or run_as)
    Column("received_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_attempt_at", DateTime, nullable=False),
    Column("record_id", ID_TYPE, nullable=True),  # the record a successful replay wrote
    Column("replayed_at", DateTime, nullable=True),
    Index("ix_inbound_failure_endpoint", "endpoint", "status", "id"),
    sqlite_autoincrement=True,
)
