"""Out-of-office delegation: while it runs, a user's new work items go to their delegate.

One delegation per user: ``{"delegate": user id, "from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}``
(both days included, in UTC). Work items created before it started stay where they are.
"""

from datetime import date

from sqlalchemy import delete, insert, select

from tessera.i18n import Message

from ..errors import RecordInvalid
from ..fields.values import is_record_id
from ..schema.system_tables import user
from .tables import delegation

FIELDS = ("delegate", "from", "to")


def _day(value):
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_delegation(conn, user_id, body):
    """(delegate id, first day, last day) of a delegation body; raises RecordInvalid keyed by field."""
    errors = {name: [Message("input.unknown")] for name in body if name not in FIELDS}
    delegate = body.get("delegate")
    if not is_record_id(delegate) or delegate == user_id or not conn.execute(
            select(user.c.id).where(user.c.id == delegate, user.c.active.is_(True))).first():
        errors["delegate"] = [Message("approval.delegate_invalid")]
    starts, ends = _day(body.get("from")), _day(body.get("to"))
    for name, value in (("from", starts), ("to", ends)):
        if value is None:
            errors.setdefault(name, [Message("approval.not_a_day")])
    if starts and ends and ends < starts:
        errors["to"] = [Message("approval.delegation_ends_before_start")]
    if errors:
        raise RecordInvalid("approval.delegation_invalid", errors=errors)
    return delegate, starts, ends


def delegation_json(row):
    """The JSON form of a delegation row, or None."""
    if row is None:
        return None
    return {"delegate": row["delegate_id"], "from": row["starts"].isoformat(), "to": row["ends"].isoformat()}


def current(conn, user_id):
    """The delegation row of ``user_id``, or None."""
    return conn.execute(select(delegation).where(delegation.c.user_id == user_id)).mappings().first()


def replace(conn, user_id, delegate, starts, ends, now):
    """Make (delegate, starts, ends) the one delegation of ``user_id``."""
    conn.execute(delete(delegation).where(delegation.c.user_id == user_id))
    conn.execute(insert(delegation).values(user_id=user_id, delegate_id=delegate, starts=starts, ends=ends,
                                           created_at=now))


def end(conn, user_id):
    """Remove the delegation of ``user_id``; True when there was one."""
    return conn.execute(delete(delegation).where(delegation.c.user_id == user_id)).rowcount > 0


def delegate_on(conn, user_id, day):
    """Who receives ``user_id``'s new work items on ``day``: their delegate, or None."""
    row = conn.execute(select(delegation.c.delegate_id).where(
        delegation.c.user_id == user_id, delegation.c.starts <= day, delegation.c.ends >= day)).first()
    return row.delegate_id if row else None
