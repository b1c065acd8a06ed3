"""System tables of the runtime: users, tokens, the events outbox, field history, counters.

The directory (teams, roles, assignments), record shares, sessions, login attempts and
the audit log live in ``directory_tables`` on the same MetaData.
"""

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text

from .columns import ID_TYPE

runtime_schema = MetaData()

user = Table(
    "tessera_user",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("display_name", String(255), nullable=False),
    Column("email", String(255), nullable=True),
    Column("locale", String(16), nullable=False, default="en"),
    Column("active", Boolean, nullable=False, default=True),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("password_hash", String(255), nullable=True),
    Column("team_id", ID_TYPE, nullable=True, index=True),
    Column("manager_id", ID_TYPE, nullable=True, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=True),
)

token = Table(
    "tessera_token",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", ID_TYPE, nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("scope", String(16), nullable=False, default="read_write"),
    Column("objects", JSON, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("last_used_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

outbox = Table(
    "tessera_outbox",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("event_type", String(63), nullable=False),
    Column("object", String(63), nullable=True),
    Column("record_id", ID_TYPE, nullable=True),
    Column("payload", JSON, nullable=False),
    Column("actor_id", ID_TYPE, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("delivered_at", DateTime, nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Index("ix_outbox_pending", "delivered_at", "id"),
    sqlite_autoincrement=True,
)

field_history = Table(
    "tessera_field_history",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("object", String(63), nullable=False),
    Column("record_id", ID_TYPE, nullable=False),
    Column("field", String(63), nullable=False),
    Column("old_value", JSON, nullable=True),
    Column("new_value", JSON, nullable=True),
    Column("actor_id", ID_TYPE, nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("event_id", ID_TYPE, nullable=True),
    Index("ix_history_record", "object", "record_id", "id"),
    sqlite_autoincrement=True,
)

counter = Table(
    "tessera_counter",
    runtime_schema,
    Column("name", String(200), primary_key=True),
    Column("value", ID_TYPE, nullable=False),
)

setting = Table(
    "tessera_setting",
    runtime_schema,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

from . import directory_tables  # noqa: E402,F401  (adds the directory tables to runtime_schema)
