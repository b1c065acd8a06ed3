"""Manual shares: the owner (or anyone above them, or with modify_all) opens one record to a
user, a team or a role, for reading or editing."""

from sqlalchemy import delete, insert, select, update

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from ..audit import log as audit
from ..identity.units import find_unit
from ..schema.system_tables import record_share, role, team
from ..errors import DirectoryEntryNotFound, RecordInvalid
from ..identity.users import get_user
from ..fields.serialize import is_record_id, to_json

GRANTEE_TYPES = ("user", "team", "role")
ACCESS_LEVELS = ("read", "edit")


def _grantee_kind(payload):
    given = [k for k in GRANTEE_TYPES if k in payload]
    if len(given) != 1:
        raise RecordInvalid("share.grantee.one", errors={"grantee": [Message("share.grantee.one")]})
    return given[0], payload[given[0]]


def _grantee_missing(kind):
    return RecordInvalid(f"share.grantee.{kind}_missing", errors={kind: [Message(f"share.grantee.no_active_{kind}")]})


def parse_grantee(conn, payload):
    """Return (grantee type, grantee id) of an active user (``{"user": id}``), a team or a role.

    A user id that is not an active user's answers one and the same error whether the id
    was never used or belongs to a deactivated user (docs/security.md, "Known limits").
    """
    kind, value = _grantee_kind(payload)
    try:
        if kind == "user":
            if not is_record_id(value):
                raise DirectoryEntryNotFound("input.user_id")
            row = get_user(conn, value)
            if not row["active"]:
                raise DirectoryEntryNotFound("auth.user.deactivated")
            return kind, row["id"]
        return kind, find_unit(conn, kind, value)["id"]
    except DirectoryEntryNotFound:
        raise _grantee_missing(kind) from None


def _shared_grantee(conn, payload):
    """(grantee type, grantee id) of a share to remove; a user id is not looked up, so that
    removing tells nobody whether a user exists: a missing share is a missing share."""
    kind, value = _grantee_kind(payload)
    if kind != "user":
        return parse_grantee(conn, payload)
    if not is_record_id(value):
        raise _grantee_missing(kind)
    return kind, value


def _names(conn, rows):
    teams = {r.id: r.name for r in conn.execute(select(team.c.id, team.c.name))}
    roles = {r.id: r.name for r in conn.execute(select(role.c.id, role.c.name))}
    return {"team": teams, "role": roles}


def share_json(row, names):
    """The JSON form of one share."""
    kind, grantee = row["grantee_type"], row["grantee_id"]
    value = grantee if kind == "user" else names[kind].get(grantee)
    return {"id": row["id"], kind: value, "access": row["access"], "created_by": row["created_by"],
            "created_at": to_json(row["created_at"])}


def _record(runtime, conn, ctx, object_name, record_id, action):
    _, obj = runtime.object_for(conn, object_name)
    runtime.access.record(conn, ctx, obj, record_id, action, for_update=action != "read")
    return obj


def list_shares(runtime, ctx, object_name, record_id):
    """The manual shares of a record the actor can see, oldest first."""
    with runtime.read() as conn:
        obj = _record(runtime, conn, ctx, object_name, record_id, "read")
        rows = conn.execute(select(record_share).where(record_share.c.object == obj.name,
                                                       record_share.c.record_id == record_id)
                            .order_by(record_share.c.id)).mappings().all()
        names = _names(conn, rows)
        return [share_json(row, names) for row in rows]


def _upsert(conn, ctx, obj, record_id, kind, grantee_id, access):
    where = (record_share.c.object == obj.name, record_share.c.record_id == record_id,
             record_share.c.grantee_type == kind, record_share.c.grantee_id == grantee_id)
    existing = conn.execute(select(record_share.c.id).where(*where)).scalar_one_or_none()
    if existing is not None:
        conn.execute(update(record_share).where(record_share.c.id == existing).values(access=access))
        return existing
    values = {"object": obj.name, "record_id": record_id, "grantee_type": kind, "grantee_id": grantee_id,
              "access": access, "created_by": ctx.user_id, "created_at": utcnow()}
    return conn.execute(insert(record_share).returning(record_share.c.id), [values]).scalar_one()


def share(runtime, ctx, object_name, record_id, payload):
    """Open the record to a user, team or role (``access`` read or edit); return the share."""
    if not isinstance(payload, dict):
        raise RecordInvalid("share.not_an_object", errors={"$": [Message("input.not_an_object")]})
    access = payload.get("access", "read")
    if access not in ACCESS_LEVELS:
        raise RecordInvalid("share.access.shape", errors={"access": [Message("share.access.read_or_edit")]})
    with runtime.write() as conn:
        obj = _record(runtime, conn, ctx, object_name, record_id, "share")
        kind, grantee_id = parse_grantee(conn, payload)
        share_id = _upsert(conn, ctx, obj, record_id, kind, grantee_id, access)
        audit.record(conn, "record.shared", ctx, object_name=obj.name, record_id=record_id,
                     subject=f"{kind} {grantee_id}", details={"access": access, "by_admin": bool(ctx.is_admin)})
        row = conn.execute(select(record_share).where(record_share.c.id == share_id)).mappings().one()
        return share_json(row, _names(conn, [row]))


def unshare(runtime, ctx, object_name, record_id, payload):
    """Remove the share of the record with the user, team or role named in ``payload``."""
    with runtime.write() as conn:
        obj = _record(runtime, conn, ctx, object_name, record_id, "share")
        kind, grantee_id = _shared_grantee(conn, payload)
        removed = conn.execute(delete(record_share).where(
            record_share.c.object == obj.name, record_share.c.record_id == record_id,
            record_share.c.grantee_type == kind, record_share.c.grantee_id == grantee_id)).rowcount
        if not removed:
            raise DirectoryEntryNotFound("share.not_shared")
        audit.record(conn, "record.unshared", ctx, object_name=obj.name, record_id=record_id,
                     subject=f"{kind} {grantee_id}", details={"by_admin": bool(ctx.is_admin)})
