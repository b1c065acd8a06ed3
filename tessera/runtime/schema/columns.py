"""How each field type is stored: SQLAlchemy column types and system columns."""

import hashlib
import warnings

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, Numeric, String, Text
from sqlalchemy import exc as sa_exc

from tessera.metadata.fieldtypes import numeric_shape, text_length

# SQLite keeps numerics as REAL; values are exact to 15 significant digits there,
# to the declared precision on PostgreSQL (docs/architecture.md, "Numbers").
warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal objects natively", category=sa_exc.SAWarning)

ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")


def _text(field_doc):
    return String(text_length(field_doc))


def _numeric(field_doc):
    precision, scale = numeric_shape(field_doc)
    return Numeric(precision, scale, asdecimal=True)


STORAGE = {
    "text": _text,
    "email": _text,
    "phone": _text,
    "url": _text,
    "picklist": _text,
    "auto_number": _text,
    "long_text": lambda f: Text(),
    "multi_picklist": lambda f: Text(),
    "number": _numeric,
    "currency": _numeric,
    "percent": _numeric,
    "boolean": lambda f: Boolean(create_constraint=False),
    "date": lambda f: Date(),
    "datetime": lambda f: DateTime(),
    "lookup": lambda f: ID_TYPE,
    "master_detail": lambda f: ID_TYPE,
    "user": lambda f: ID_TYPE,
}


def column_type(field_doc):
    """Return the SQLAlchemy type that stores ``field_doc``."""
    return STORAGE[field_doc["type"]](field_doc)


def field_column(field_doc):
    """Return the Column for a stored field (nullable: 'required' is enforced on input)."""
    return Column(field_doc["name"], column_type(field_doc), nullable=True)


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


def index_name(object_name, columns, unique):
    """A stable, bounded index name for an index over ``columns``."""
    prefix = "uq" if unique else "ix"
    name = f"{prefix}_{object_name}_{'_'.join(columns)}"
    if len(name) > 60:
        digest = hashlib.sha1(name.encode()).hexdigest()[:10]
        name = f"{name[:49]}_{digest}"
    return name
