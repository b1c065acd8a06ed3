"""Idempotency keys of approval requests: the same key from the same user replays the
first answer and changes nothing. A key is remembered in the transaction of the change
it answered, so a change and its key commit together or not at all."""

from sqlalchemy import insert, select

from ..errors import IdempotencyKeyReused, RecordInvalid
from .tables import idempotency

MAX_KEY = 255


def check_key(key):
    """Refuse a key that is empty or too long (None means no key)."""
    if key is not None and not 0 < len(key) <= MAX_KEY:
        raise RecordInvalid("approval.idempotency_key_shape", max=MAX_KEY)


def stored_answer(conn, user_id, key, route):
    """The answer first given to (user, key), or None; IdempotencyKeyReused when the key
    answered another request."""
    row = conn.execute(select(idempotency.c.route, idempotency.c.answer).where(
        idempotency.c.user_id == user_id, idempotency.c.key == key)).first()
    if row is None:
        return None
    if row.route != route:
        raise IdempotencyKeyReused("approval.idempotency_key_reused")
    return row.answer


def remember(conn, user_id, key, route, answer, now):
    """Keep ``answer`` as the answer of (user, key) on ``route``."""
    conn.execute(insert(idempotency).values(user_id=user_id, key=key, route=route, answer=answer, created_at=now))
