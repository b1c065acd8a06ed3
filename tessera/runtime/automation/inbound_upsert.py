"""Create or update the record a payload's external id names, in the caller's write transaction.

Two payloads with one external id never make two records: on PostgreSQL the writer holds a
transaction-scoped advisory lock on (object, external id) from the look-up to the commit;
SQLite lets one writer in at a time. The field's unique index stands behind both.
"""

import hashlib
from typing import NamedTuple

from sqlalchemy import func, select

from tessera.i18n import Message

from ..errors import RecordInvalid, RecordNotFound, RuntimeFailure
from ..records.service import load_input


class InboundRecordHidden(RuntimeFailure):
    """The external id belongs to a record the acting user may not see or change."""

    code = "inbound_record_hidden"
    status = 409


class Upserted(NamedTuple):
    """What an upsert wrote: the object, the record as the actor may read it, and whether it is new."""

    object: str
    record: dict
    created: bool


def lock_key(object_name, value):
    """A signed 64-bit advisory lock key for (object, external id value)."""
    digest = hashlib.blake2b(f"inbound:{object_name}:{value!r}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def external_value(obj, field, values):
    """The external id of ``values`` as its field stores it; RecordInvalid when absent or invalid."""
    if values.get(field) is None:
        raise RecordInvalid("inbound.payload.invalid", errors={field: [Message("inbound.external_id.missing")]})
    return load_input(obj.update_loader, {field: values[field]})[field]


def upsert_in(runtime, conn, ctx, endpoint, values):
    """Write ``values`` to the record of the endpoint's object whose external id they carry,
    creating it when none has it: an Upserted."""
    _, obj = runtime.object_for(conn, endpoint["object"])
    field = endpoint["external_id"]
    key = external_value(obj, field, values)
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(lock_key(obj.name, key))))
    existing = conn.execute(select(obj.table.c.id).where(obj.table.c[field] == key).limit(1)).scalar()
    if existing is None:
        return Upserted(obj.name, runtime.records.create_in(conn, ctx, obj.name, values), True)
    try:
        return Upserted(obj.name, runtime.records.update_in(conn, ctx, obj.name, existing, values), False)
    except RecordNotFound:
        raise InboundRecordHidden("inbound.record.hidden", errors={field: [Message("inbound.record.hidden")]}) from None
