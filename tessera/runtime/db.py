"""Database engines: SQLite for the embedded default, PostgreSQL at scale."""

import logging
import time
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool

from tessera.formula import install_sqlite_functions

#: Functions to call on every new SQLite DBAPI connection: the formula language
#: registers the scalar functions SQLite lacks.
SQLITE_CONNECT_HOOKS = [install_sqlite_functions]

log = logging.getLogger(__name__)

#: Marks, in a pooled connection's info, that the transaction about to begin will write.
WRITE_FLAG = "tessera_write"
#: Marks a write that gives up at once, instead of waiting, when SQLite's write lock is held.
NO_WAIT_FLAG = "tessera_no_wait"
#: Holds, in a pooled connection's info, what to call once its write transaction commits.
AFTER_COMMIT = "tessera_after_commit"
#: How long a SQLite connection waits for the write lock before the database reports it busy.
SQLITE_BUSY_TIMEOUT_MS = 10000

#: A pooled server connection idle for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 2.0


def _sqlite_setup(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so DDL is transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        for hook in SQLITE_CONNECT_HOOKS:
            hook(dbapi_connection)

    engine.dialect.do_begin = _begin_sqlite


def _begin_sqlite(dbapi_connection):
    # Writers take the write lock up front, so two writers queue instead of failing on a
    # read-to-write upgrade; readers stay concurrent under WAL. A dialect hook rather than
    # a "begin" event: any engine event makes SQLAlchemy dispatch events on every statement.
    immediate = dbapi_connection.info.get(WRITE_FLAG)
    driver = dbapi_connection.driver_connection
    if not dbapi_connection.info.get(NO_WAIT_FLAG):
        driver.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
        return
    driver.execute("PRAGMA busy_timeout=0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    finally:
        driver.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def make_engine(url, **options):
    """Create an engine for ``url``; SQLite gets transactional DDL and sane pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            for sizing in ("pool_size", "max_overflow", "pool_timeout"):
                options.pop(sizing, None)  # one shared connection: nothing to size
            options.setdefault("poolclass", StaticPool)
            options.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(parsed, **options)
        _sqlite_setup(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, **options)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine):
    """Ping a pooled connection before reuse only when it sat idle: a busy pool pays no round
    trip per request (unlike ``pool_pre_ping``), and a connection left over from before a
    database restart is replaced instead of failing its request."""

    @event.listens_for(engine, "checkin")
    def note_idle(_dbapi_connection, record):
        record.info["tessera_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        idle_since = record.info.pop("tessera_idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("pooled connection is gone") from error
        if not alive:
            raise DisconnectionError("pooled connection is gone")


@contextmanager
def write_transaction(conn, *, wait=True):
    """Begin a write transaction on ``conn`` (on SQLite it takes the write lock at once, and
    with ``wait`` false fails at once rather than wait for another writer); commit it when
    the block succeeds, roll it back when it raises."""
    info = conn.connection.info
    info[WRITE_FLAG] = True
    if not wait:
        info[NO_WAIT_FLAG] = True
    info.pop(AFTER_COMMIT, None)  # left by work on this connection outside a write transaction
    try:
        transaction = conn.begin()
    finally:
        info.pop(WRITE_FLAG, None)
        info.pop(NO_WAIT_FLAG, None)
    try:
        with transaction:
            yield conn
    finally:
        callbacks = info.pop(AFTER_COMMIT, ())
    _call_after_commit(callbacks)


def after_commit(conn, callback):
    """Call ``callback()`` once the write transaction running on ``conn`` has committed, and
    never when it rolls back. A failing callback is logged; the commit stands."""
    conn.connection.info.setdefault(AFTER_COMMIT, []).append(callback)


def _call_after_commit(callbacks):
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the transaction is committed; the callback only announces it
            log.warning("an after-commit callback failed", exc_info=True)


def checkpoint_wal(engine):
    """On a SQLite file database, copy every page of the write-ahead log into the database
    and truncate the log; elsewhere do nothing. Returns SQLite's (busy, log pages,
    checkpointed pages), or None.

    A process killed inside a long transaction leaves a log as large as what it wrote,
    which every later reader scans until the next full checkpoint.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return None
    raw = engine.raw_connection()
    try:  # the driver connection is in autocommit mode: a checkpoint cannot run in a transaction
        cursor = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return tuple(cursor.fetchone())
    finally:
        raw.close()
