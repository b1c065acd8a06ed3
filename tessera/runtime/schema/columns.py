"""Physical columns: a stored field's column (its type says how) and the system columns."""

import hashlib
import warnings

from sqlalchemy import Column, DateTime, Integer
from sqlalchemy import exc as sa_exc

from ..fields.builtin import ID_TYPE

# SQLite keeps numerics as REAL; values are exact to 15 significant digits there,
# to the declared precision on PostgreSQL (docs/architecture.md, "Numbers").
warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal objects natively", category=sa_exc.SAWarning)


def field_column(field_doc, field_type):
    """Return the Column for a stored field of ``field_type`` (nullable: 'required' is enforced on input)."""
    return Column(field_doc["name"], field_type.column_type(field_doc), nullable=True)


def system_columns():
    """Return fresh system columns every object table starts with."""
    return [
        Column("id", ID_TYPE, primary_key=True, autoincrement=True),
        Column("owner_id", ID_TYPE, nullable=False, index=True),
        Column("created_by", ID_TYPE, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("updated_by", ID_TYPE, nullable=False),
        Column("updated_at", DateTime, nullable=False),
        Column("version", Integer, nullable=False, default=1),
    ]


def table_name(object_name):
    """The physical table of an object: a prefix keeps it apart from system tables.

    Names that would pass PostgreSQL's 63-byte identifier limit end in a hash instead,
    so two long names never share a table.
    """
    name = f"obj_{object_name}"
    if len(name) > 63:
        digest = hashlib.sha1(object_name.encode()).hexdigest()[:10]
        name = f"obj_{object_name[:48]}_{digest}"
    return name


def search_index_name(object_name, field_name):
    """The name of the search index over ``lower(field)`` (``sx_``: no column index has it)."""
    return index_name(object_name, [field_name], False).replace("ix_", "sx_", 1)


def index_name(object_name, columns, unique):
    """A stable, bounded index name for an index over ``columns``."""
    prefix = "uq" if unique else "ix"
    name = f"{prefix}_{object_name}_{'_'.join(columns)}"
    if len(name) > 60:
        digest = hashlib.sha1(name.encode()).hexdigest()[:10]
        name = f"{name[:49]}_{digest}"
    return name
