"""The system tables that hold metadata documents, their versions and revisions."""

from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, Text

metadata_schema = MetaData()

document_version = Table(
    "tessera_metadata_version",
    metadata_schema,
    Column("kind", String(63), primary_key=True),
    Column("name", String(63), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("body", JSON, nullable=True),  # None marks a deletion
    Column("author", String(255), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

document_head = Table(
    "tessera_metadata_head",
    metadata_schema,
    Column("kind", String(63), primary_key=True),
    Column("name", String(63), primary_key=True),
    Column("draft_version", Integer, nullable=False),
    Column("published_version", Integer, nullable=True),
)

revision = Table(
    "tessera_revision",
    metadata_schema,
    Column("revision", Integer, primary_key=True, autoincrement=False),
    Column("published_at", DateTime, nullable=False),
    Column("author", String(255), nullable=False),
    Column("changes", JSON, nullable=False),
    Column("plan", JSON, nullable=False),
    Column("note", Text, nullable=True),
)

#: Which version of a document each revision published: the history that lets a reader
#: choose an older published version (a KPI scheme's version for a past period).
published_version = Table(
    "tessera_published_version",
    metadata_schema,
    Column("kind", String(63), primary_key=True),
    Column("name", String(63), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
)
