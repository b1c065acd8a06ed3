"""The records of lead pools: a record entering a pool (owned by the pool's user, shared for
reading with the pool's members), leaving it, and being claimed by a member."""

from sqlalchemy import and_, delete, func, insert, select, update

from ..schema.system_tables import record_share, user
from .members import POOL_USER_PREFIX, grantees
from .tables import pool_record


def _key(obj, record_id):
    return pool_record.c.object == obj.name, pool_record.c.record_id == record_id


def pool_user_id(conn, pool_name):
    """The id of pool ``pool_name``'s user, or None before the pool held its first record."""
    query = select(user.c.id).where(user.c.username == POOL_USER_PREFIX + pool_name)
    return conn.execute(query).scalar_one_or_none()


def _unshare(conn, obj, record_id, pool_uid):
    conn.execute(delete(record_share).where(record_share.c.object == obj.name, record_share.c.record_id == record_id,
                                            record_share.c.created_by == pool_uid))


def enter(conn, obj, record_ids, pool, pool_uid, now, *, new=False):
    """Put the records in ``pool`` (a lead_pool document), waiting for a claim: their rows say
    ``pooled`` and each member gets a read share made by the pool's user. ``new`` records (just
    inserted) have no pool row nor pool share to replace."""
    if not record_ids:
        return
    if not new:
        for record_id in record_ids:
            conn.execute(delete(pool_record).where(*_key(obj, record_id)))
            _unshare(conn, obj, record_id, pool_uid)
    conn.execute(insert(pool_record), [{"object": obj.name, "record_id": record_id, "pool": pool["name"],
                                        "status": "pooled", "entered_at": now} for record_id in record_ids])
    members = sorted(set(grantees(conn, pool["members"])))
    shares = [{"object": obj.name, "record_id": record_id, "grantee_type": kind, "grantee_id": grantee_id,
               "access": "read", "created_by": pool_uid, "created_at": now}
              for record_id in record_ids for kind, grantee_id in members]
    if shares:
        conn.execute(insert(record_share), shares)


def leave(conn, obj, record_id):
    """Take the record out of whatever pool holds it (its pool row and the pool's shares)."""
    found = conn.execute(select(pool_record.c.pool).where(*_key(obj, record_id))).scalar_one_or_none()
    if found is None:
        return
    conn.execute(delete(pool_record).where(*_key(obj, record_id)))
    pool_uid = pool_user_id(conn, found)
    if pool_uid is not None:
        _unshare(conn, obj, record_id, pool_uid)


def held_by(conn, obj, pool_name, user_id):
    """How many records of ``pool_name`` ``user_id`` has claimed and still owns."""
    table = obj.table
    query = (select(func.count()).select_from(pool_record.join(table, and_(
        pool_record.c.object == obj.name, table.c.id == pool_record.c.record_id, table.c.owner_id == user_id)))
        .where(pool_record.c.pool == pool_name, pool_record.c.status == "claimed", pool_record.c.claimed_by == user_id))
    return conn.execute(query).scalar_one()


def waiting(obj, pool_name, pool_uid):
    """A query of the ids of the records waiting in ``pool_name`` (their pool's user still owns
    them), oldest record first."""
    table = obj.table
    return (select(pool_record.c.record_id)
            .select_from(pool_record.join(table, and_(pool_record.c.object == obj.name,
                                                      table.c.id == pool_record.c.record_id,
                                                      table.c.owner_id == pool_uid)))
            .where(pool_record.c.pool == pool_name, pool_record.c.status == "pooled")
            .order_by(pool_record.c.record_id))


def lock_waiting(conn, obj, pool_name, pool_uid, record_id=None):
    """Lock and return the id of the waiting record ``record_id`` of the pool (or its oldest
    waiting one, skipping those other claims hold, when None); None when there is none."""
    query = waiting(obj, pool_name, pool_uid).limit(1)
    if record_id is not None:
        query = query.where(pool_record.c.record_id == record_id)
        query = query.with_for_update(of=pool_record)
    else:
        query = query.with_for_update(of=pool_record, skip_locked=True)
    row = conn.execute(query).first()
    return None if row is None else row.record_id


def status_of(conn, obj, record_id, pool_name):
    """The pool row of the record in ``pool_name`` (locked), or None."""
    query = select(pool_record).where(*_key(obj, record_id), pool_record.c.pool == pool_name).with_for_update()
    return conn.execute(query).mappings().first()


def mark_claimed(conn, obj, record_id, user_id, now, pool_uid):
    """Make the waiting record claimed by ``user_id`` and stop sharing it with the pool; return
    whether it was still waiting (a concurrent claim may have taken it)."""
    done = conn.execute(update(pool_record).where(*_key(obj, record_id), pool_record.c.status == "pooled")
                        .values(status="claimed", claimed_by=user_id, claimed_at=now)).rowcount
    if done:
        _unshare(conn, obj, record_id, pool_uid)
    return bool(done)
