"""The approval requests' durable state, on the runtime's MetaData (created with the other
system tables by ``Runtime.create_schema``, never as a side effect of saving).

``open`` is 1 while a request is pending and NULL afterwards: the unique index on
(object, record_id, open) lets at most one request per record be pending, on SQLite and
PostgreSQL alike (NULLs are distinct in a unique index on both).
"""

from sqlalchemy import JSON, Column, Date, DateTime, Index, Integer, String, Table, Text, UniqueConstraint

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

approval = Table(
    "tessera_approval",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("flow", String(63), nullable=False),
    Column("flow_version", Integer, nullable=False),
    Column("object", String(63), nullable=False),
    Column("record_id", ID_TYPE, nullable=False),
    Column("submitter_id", ID_TYPE, nullable=False),
    Column("status", String(16), nullable=False),  # pending | approved | rejected | recalled
    Column("step", Integer, nullable=True),  # index of the current step while pending
    Column("round", Integer, nullable=False),  # the work items of the current step carry this round
    Column("lock", String(16), nullable=False),  # the flow's lock mode, kept for the records service
    Column("open", Integer, nullable=True),
    Column("version", Integer, nullable=False),
    Column("submitted_at", DateTime, nullable=False),
    Column("decided_at", DateTime, nullable=True),
    UniqueConstraint("object", "record_id", "open", name="uq_approval_open"),
    Index("ix_approval_record", "object", "record_id", "id"),
    Index("ix_approval_flow_version", "flow", "flow_version", "status"),  # per-version counts, index only
    sqlite_autoincrement=True,
)

work_item = Table(
    "tessera_approval_item",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("instance_id", ID_TYPE, nullable=False),
    Column("step", Integer, nullable=False),
    Column("round", Integer, nullable=False),  # how many times the request entered a step so far
    Column("approver_id", ID_TYPE, nullable=False),
    Column("status", String(16), nullable=False),  # pending | approved | rejected | reassigned | closed
    Column("delegated_from", ID_TYPE, nullable=True),
    Column("due_at", DateTime, nullable=True),
    Column("created_at", DateTime, nullable=False),
    Column("decided_at", DateTime, nullable=True),
    Index("ix_approval_item_instance", "instance_id", "round", "id"),
    Index("ix_approval_item_inbox", "approver_id", "status", "due_at", "id"),
    sqlite_autoincrement=True,
)

history = Table(
    "tessera_approval_history",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("instance_id", ID_TYPE, nullable=False),
    Column("actor_id", ID_TYPE, nullable=True),  # None: the flow itself (system)
    Column("action", String(16), nullable=False),
    Column("step", String(63), nullable=True),
    Column("comment", Text, nullable=True),
    Column("at", DateTime, nullable=False),
    Index("ix_approval_history_instance", "instance_id", "id"),
    sqlite_autoincrement=True,
)

idempotency = Table(
    "tessera_approval_idempotency",
    runtime_schema,
    Column("user_id", ID_TYPE, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("route", String(255), nullable=False),
    Column("answer", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

delegation = Table(
    "tessera_delegation",
    runtime_schema,
    Column("user_id", ID_TYPE, primary_key=True),
    Column("delegate_id", ID_TYPE, nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),  # inclusive
    Column("created_at", DateTime, nullable=False),
)


#: Indexes added to tables that existing databases already hold (``create_all`` skips tables
#: that exist, so their new indexes are created one by one, when missing).
ADDED_INDEXES = tuple(index for index in approval.indexes if index.name == "ix_approval_flow_version")


def create_added_indexes(conn):
    """Create ADDED_INDEXES where the database lacks them (idempotent)."""
    for index in ADDED_INDEXES:
        index.create(conn, checkfirst=True)
