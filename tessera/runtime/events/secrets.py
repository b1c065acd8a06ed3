"""Webhook secrets, kept apart from metadata documents (write-only through the API)."""

from sqlalchemy import delete, insert, select, update

from .tables import webhook_secret


def store(conn, name, secret, now):
    """Keep ``secret`` as the secret of webhook ``name`` (replacing any earlier one)."""
    moved = conn.execute(update(webhook_secret).where(webhook_secret.c.name == name)
                         .values(secret=secret, updated_at=now))
    if moved.rowcount == 0:
        conn.execute(insert(webhook_secret).values(name=name, secret=secret, updated_at=now))


def load(conn, name):
    """The secret of webhook ``name``, or None."""
    return conn.execute(select(webhook_secret.c.secret).where(webhook_secret.c.name == name)).scalar()


def forget(conn, name):
    """Drop the secret of webhook ``name``."""
    conn.execute(delete(webhook_secret).where(webhook_secret.c.name == name))
