"""What the timer tests share: handlers that leave a trace in the database, and reading it."""

from sqlalchemy import insert, select

from tessera.runtime.events.timers import load
from tessera.runtime.schema.system_tables import setting


def mark_fired(_runtime, conn, timer):
    """A handler recording each firing as a ``fired:<id>`` setting row (a second firing of one
    timer would break the key's uniqueness and fail)."""
    conn.execute(insert(setting).values(key=f"fired:{timer.id}", value=str(timer.attempt)))


def fired_ids(runtime):
    """The ids of the timers ``mark_fired`` recorded, in order."""
    with runtime.read() as conn:
        keys = conn.execute(select(setting.c.key).where(setting.c.key.like("fired:%"))).scalars().all()
    return sorted(int(key.partition(":")[2]) for key in keys)


def timer_row(runtime, timer_id):
    """The stored row of timer ``timer_id``."""
    with runtime.read() as conn:
        return load(conn, timer_id)
