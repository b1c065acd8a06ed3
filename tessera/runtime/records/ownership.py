"""Transferring a record to a new owner: checked, versioned, with history, event and audit."""

from sqlalchemy import update

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from ..audit import log as audit
from ..errors import AuthenticationFailed, RecordInvalid, RecordNotFound
from .changes import change_summary, write_change
from ..identity.principal import context_for_user
from ..fields.serialize import is_record_id


def _check_new_owner(conn, model, obj, owner_id):
    if not is_record_id(owner_id):
        raise RecordInvalid("record.owner.shape", errors={"owner": [Message("input.user_id")]})
    try:
        owner = context_for_user(conn, model, owner_id)
    except AuthenticationFailed:
        raise RecordInvalid("record.owner.inactive",
                            errors={"owner": [Message("record.owner.no_active_user", id=owner_id)]}) from None
    if not owner.is_admin and not owner.rights.can(obj.name, "read"):
        raise RecordInvalid("record.owner.cannot_read", object=obj.name,
                            errors={"owner": [Message("record.owner.may_not_read", object=obj.name)]})


def write_owner(conn, ctx, obj, row, owner_id, event_type="record.updated"):
    """Make ``owner_id`` the owner of the stored ``row`` (locked by the caller): a new version,
    its history row and its ``event_type`` event carrying ``{"owner": {"old", "new"}}``; return
    the new version. No audit entry: the caller writes the one its operation calls for."""
    now, table = utcnow(), obj.table
    conn.execute(update(table).where(table.c.id == row["id"])
                 .values(owner_id=owner_id, version=row["version"] + 1, updated_by=ctx.user_id, updated_at=now))
    change = change_summary(obj, {"owner": row["owner_id"]}, {"owner": owner_id})
    write_change(conn, obj, row["id"], event_type, change, ctx.user_id, now)
    return row["version"] + 1


def _write_transfer(runtime, conn, ctx, obj, row, owner_id):
    write_owner(conn, ctx, obj, row, owner_id, "record.transferred")
    audit.record(conn, "record.transferred", ctx, object_name=obj.name, record_id=row["id"],
                 subject=f"user {owner_id}", details={"from": row["owner_id"], "to": owner_id,
                                                      "by_admin": bool(ctx.is_admin)})


def transfer(runtime, ctx, object_name, record_id, owner_id):
    """Make user ``owner_id`` the owner of the record; return the record as ``ctx`` now sees it.

    The actor needs edit rights on the object and full access to the record (owner, a
    role above the owner, modify_all or admin); the new owner must be active and able to
    read the object. Access is re-evaluated at once: when the actor can no longer see
    the record, only its id, owner and version come back.
    """
    with runtime.write() as conn:
        model, obj = runtime.object_for(conn, object_name)
        row = runtime.access.record(conn, ctx, obj, record_id, "transfer", for_update=True)
        runtime.records.check_write_guards(conn, ctx, obj, row)
        _check_new_owner(conn, model, obj, owner_id)
        if row["owner_id"] != owner_id:
            _write_transfer(runtime, conn, ctx, obj, row, owner_id)
    try:
        return runtime.records.get(ctx, object_name, record_id)
    except RecordNotFound:
        version = row["version"] + (row["owner_id"] != owner_id)
        return {"id": record_id, "owner": owner_id, "version": version}
