"""The durable state of assignment rules and lead pools, on the runtime's MetaData.

``tessera_assignment_state`` holds one row per round-robin rule (whose turn was last), locked
by each assignment so that concurrent creates take turns exactly. ``tessera_pool_record``
holds the records of lead pools: ``pooled`` (owned by the pool's user, waiting for a claim) or
``claimed`` (owned by the rep who claimed it, back to the pool when left untouched).
``tessera_automation_done`` holds one row per (automation rule, event) an after-commit rule
has handled, written in the transaction of its actions: a redelivered event finds it and
does nothing, so at-least-once delivery runs a rule's actions once per event.
"""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

assignment_state = Table(
    "tessera_assignment_state",
    runtime_schema,
    Column("rule", String(127), primary_key=True),  # a rule's name, or a key of its own
    Column("last_user_id", ID_TYPE, nullable=True),
    Column("assigned", Integer, nullable=False, default=0),
    Column("updated_at", DateTime, nullable=False),
)

pool_record = Table(
    "tessera_pool_record",
    runtime_schema,
    Column("object", String(63), primary_key=True),
    Column("record_id", ID_TYPE, primary_key=True),
    Column("pool", String(63), nullable=False),
    Column("status", String(8), nullable=False),  # pooled | claimed
    Column("claimed_by", ID_TYPE, nullable=True),
    Column("entered_at", DateTime, nullable=False),
    Column("claimed_at", DateTime, nullable=True),
    Index("ix_pool_record_queue", "pool", "status", "record_id"),
    Index("ix_pool_record_claimer", "pool", "claimed_by", "status"),
)

automation_done = Table(
    "tessera_automation_done",
    runtime_schema,
    Column("rule", String(127), primary_key=True),
    Column("event_id", ID_TYPE, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
)


def _dialect_insert(conn, table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def insert_missing(conn, table, key_columns, values):
    """``INSERT`` of ``values`` that does nothing when a row with the same key exists (a
    concurrent transaction may insert it first)."""
    return conn.execute(_dialect_insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=key_columns))


def upsert_returning(conn, table, key_columns, values, changes, returning):
    """``INSERT`` of ``values``, or ``changes`` to the row with the same key, in one statement
    that leaves the row locked until the transaction ends; the ``returning`` columns of the row."""
    statement = (_dialect_insert(conn, table).values(**values)
                 .on_conflict_do_update(index_elements=key_columns, set_=changes).returning(*returning))
    return conn.execute(statement).one()
