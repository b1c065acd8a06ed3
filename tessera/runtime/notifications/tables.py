"""The notification tables, on the runtime's MetaData (created by ``Runtime.create_schema``).

``tessera_notification`` holds one row per recipient: the kind, the message as a code with
parameters (rendered in the reader's locale when read), an optional link and when it was
read. ``tessera_notification_preference`` holds, per user, the external channels each kind
goes to (``kind`` ``*``: every kind without a row of its own).
"""

from sqlalchemy import JSON, Column, DateTime, Index, String, Table, UniqueConstraint

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

notification = Table(
    "tessera_notification",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("recipient_id", ID_TYPE, nullable=False),
    Column("kind", String(63), nullable=False),
    Column("code", String(127), nullable=False),
    Column("params", JSON, nullable=False),
    Column("link", JSON, nullable=True),
    Column("actor_id", ID_TYPE, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("read_at", DateTime, nullable=True),
    Index("ix_notification_recipient", "recipient_id", "id"),
    Index("ix_notification_unread", "recipient_id", "read_at", "id"),
    sqlite_autoincrement=True,
)

preference = Table(
    "tessera_notification_preference",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("user_id", ID_TYPE, nullable=False),
    Column("kind", String(63), nullable=False),  # a notification kind, or "*" for the default
    Column("channels", JSON, nullable=False),  # ["email", "wecom", ...]
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("user_id", "kind", name="uq_notification_preference"),
    sqlite_autoincrement=True,
)
