"""The directory version: one counter row that every identity-shaping write bumps.

Web processes cache what they derive from the directory about a user (held roles, the
role and team trees, assigned permission sets) keyed by this number. Every write that
changes any of it (role or permission-set assignments, creating, moving or deleting a
team or role) calls ``bump`` inside its own transaction, so the change and the new
version commit together and every process rebuilds on its very next request.

Facts kept on the user row (active, is_admin, team, manager, profile) and on the token
row (revocation, expiry, scope) are read fresh on every request and need no bump.
"""

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..schema.system_tables import counter

#: The counter row's name; the colon keeps it apart from auto-number counters (``object.field``).
DIRECTORY_COUNTER = "tessera:directory"
#: Bumped by every write of a user row (profile, team, manager, active): caches of results
#: that depend on who is in which team (performance boards) key on it.
PEOPLE_COUNTER = "tessera:people"
_UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def version_column(name=DIRECTORY_COUNTER):
    """A scalar subquery giving the current value of counter ``name``, the directory version
    by default (0 before the first bump)."""
    current = select(counter.c.value).where(counter.c.name == name).scalar_subquery()
    return func.coalesce(current, 0)


def current(conn):
    """The current directory version on ``conn``."""
    return conn.execute(select(version_column())).scalar_one()


def bump(conn, name=DIRECTORY_COUNTER):
    """Move counter ``name`` (the directory version by default) on by one, inside the
    caller's (write) transaction."""
    upsert = _UPSERTS.get(conn.dialect.name)
    if upsert is not None:
        statement = upsert(counter).values(name=name, value=1)
        conn.execute(statement.on_conflict_do_update(index_elements=[counter.c.name],
                                                     set_={"value": counter.c.value + 1}))
        return
    done = conn.execute(update(counter).where(counter.c.name == name)
                        .values(value=counter.c.value + 1)).rowcount
    if not done:
        conn.execute(counter.insert().values(name=name, value=1))
