"""The feedback table, on the runtime's MetaData (created with the other system tables).

A system table rather than a built-in object: feedback is about the platform, not the
customer's business, so it must exist before any metadata is published, never be
changed or retired by a publish, and follow its own rules (the author and
administrators read it, administrators triage it) rather than permission sets.
"""

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from ..schema.columns import ID_TYPE
from ..schema.system_tables import runtime_schema

#: What a user writes: something that hurts, or an idea.
KINDS = ("pain", "idea")
#: Where triage puts it.
STATUSES = ("new", "planned", "done", "declined")

feedback = Table(
    "tessera_feedback",
    runtime_schema,
    Column("id", ID_TYPE, primary_key=True, autoincrement=True),
    Column("author_id", ID_TYPE, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("page", String(500), nullable=True),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("triaged_by", ID_TYPE, nullable=True),
    Index("ix_feedback_author", "author_id", "id"),
    Index("ix_feedback_status", "status", "id"),
    sqlite_autoincrement=True,
)
