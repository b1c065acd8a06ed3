"""The personal list views table, on the runtime's MetaData (created with the other system tables).

A system table, not metadata: a rep's own views are not published by an administrator
and follow their own rule (only their owner sees them).
"""

from sqlalchemy import JSON, Boolean, Column, DateTime, Index, Integer, String, Table, Text

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

personal_view = Table(
    "tessera_list_view",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("owner_id", ID_TYPE, nullable=False),
    Column("object", String(63), nullable=False),
    Column("label", JSON, nullable=False),
    Column("columns", JSON, nullable=False),
    Column("filter", Text, nullable=True),
    Column("sort", JSON, nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_list_view_owner", "owner_id", "object", "id"),
    sqlite_autoincrement=True,
)
