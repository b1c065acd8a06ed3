"""Database engines: SQLite for the embedded default, PostgreSQL at scale."""

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from tessera.formula import install_sqlite_functions

#: Functions to call on every new SQLite DBAPI connection: the formula language
#: registers the scalar functions SQLite lacks.
SQLITE_CONNECT_HOOKS = [install_sqlite_functions]


def _sqlite_setup(engine):
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, open transactions, so DDL is transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
        for hook in SQLITE_CONNECT_HOOKS:
            hook(dbapi_connection)

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        # Writers take the write lock up front, so two writers queue instead of failing
        # on a read-to-write upgrade; readers stay concurrent under WAL.
        immediate = conn.get_execution_options().get("tessera_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url, **options):
    """Create an engine for ``url``; SQLite gets transactional DDL and sane pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            options.setdefault("poolclass", StaticPool)
            options.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(parsed, **options)
        _sqlite_setup(engine)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **options)


def writer(engine):
    """Return ``engine`` marked so that its transactions are write transactions."""
    return engine.execution_options(tessera_write=True)


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
