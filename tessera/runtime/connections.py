"""Connections of a Runtime: one pooled connection per request scope, never two.

A request's reads share one transaction on its connection and its writes reuse that same
connection, so a request never waits for a second pooled connection while holding one
(threads holding one and waiting for another exhausted the pool under parallel writes).
Database faults the client did not cause become 503 problems: DatabaseUnavailable when the
database cannot be reached, DatabaseBusy when the pool or the database lock stays busy.
"""

import logging
import time
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .db import write_transaction
from .errors import DatabaseBusy, DatabaseUnavailable

log = logging.getLogger("tessera.database")

#: SQLite result codes of a database (or table) held by another writer past the busy timeout.
SQLITE_BUSY_CODES = frozenset({5, 6})


class Outage:
    """Remembers whether the database is down, so an outage is logged once, not per request."""

    def __init__(self):
        self.since = None

    def down(self, error):
        """Note that the database could not be reached; log it when this starts an outage."""
        if self.since is None:
            self.since = time.monotonic()
            log.error("database unreachable, answering 503 until it is back: %s", _first_line(error))

    def up(self):
        """Note that the database answered; log the end of an outage."""
        if self.since is not None:
            log.warning("database reachable again after %.1f s", time.monotonic() - self.since)
            self.since = None


def _first_line(error):
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _is_busy(error):
    code = getattr(getattr(error, "orig", None), "sqlite_errorcode", None)
    return code in SQLITE_BUSY_CODES


class Connections:
    """Opens the Runtime's transactions: per request scope on one connection, else per call."""

    def __init__(self, engine, *, autocommit_reads=False):
        self.engine = engine
        self.outage = Outage()
        # PostgreSQL reads at READ COMMITTED see a new snapshot per statement anyway, so a
        # request's reads run without BEGIN and COMMIT: two round trips fewer per request.
        self.autocommit_reads = autocommit_reads
        self._memo = ContextVar(f"tessera_request_{id(self)}", default=None)

    def memo(self):
        """The current request scope's memo dict, or None outside a request scope."""
        return self._memo.get()

    def scope(self, finish=None):
        """A request scope: one connection, checked out on first use and returned at the end.
        ``finish(write)`` runs just before, to do the scope's deferred writes."""
        return _Scope(self, finish)

    def _close_scope(self, token, finish):
        memo = self._memo.get()
        try:
            self._end_read(memo)
            if finish is not None:
                finish(self.write)
        finally:
            conn = memo.pop("conn", None)
            self._memo.reset(token)
            if conn is not None:
                conn.close()

    def read(self):
        """A read transaction; inside a request scope the scope's shared one."""
        memo = self._memo.get()
        if memo is None:
            return self._read_alone()
        if memo.get("writing"):
            return nullcontext(memo["conn"])  # a read inside a write sees, and must not end, the write
        return _SharedRead(self, memo)

    @contextmanager
    def _read_alone(self):
        with self._translated(), self._connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self, *, wait=True):
        """A write transaction: commits on success, rolls back on any error. Inside a request
        scope it ends the scope's read transaction and runs on the scope's connection; a write
        inside a write joins it. With ``wait`` false it raises DatabaseBusy at once where
        another writer holds SQLite's lock."""
        memo = self._memo.get()
        if memo is None:
            with self._translated(), self._connect() as conn, _writing(conn, wait=wait):
                yield conn
            return
        if memo.get("writing"):
            yield memo["conn"]
            return
        with self._translated():
            conn = self._request_connection(memo)
            self._end_read(memo)
            memo["writing"] = True
            try:
                with _writing(conn, self.autocommit_reads, wait=wait):
                    yield conn
            finally:
                memo["writing"] = False

    def _request_connection(self, memo):
        conn = memo.get("conn")
        if conn is None:
            conn = memo["conn"] = self._connect()
            if self.autocommit_reads:
                conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    def _connect(self):
        try:  # what _translated does, without a generator on every request
            conn = self.engine.connect()
        except (PoolTimeout, OperationalError, InterfaceError) as error:
            failure = self.failure_for(error)
            if failure is None:
                raise
            raise failure from error
        self.outage.up()
        return conn

    @staticmethod
    def _end_read(memo):
        conn = memo.get("conn")
        if conn is not None and conn.in_transaction() and not memo.get("writing"):
            conn.commit()

    @contextmanager
    def _translated(self):
        """Turn faults of the database, not of the request, into 503 failures."""
        try:
            yield
        except (PoolTimeout, OperationalError, InterfaceError) as error:
            failure = self.failure_for(error)
            if failure is None:
                raise
            raise failure from error

    def failure_for(self, error):
        """The 503 failure ``error`` amounts to, or None when it is not a fault of the database."""
        if isinstance(error, PoolTimeout) or _is_busy(error):
            return DatabaseBusy("database.busy", retry_after=1)
        if not isinstance(error, (OperationalError, InterfaceError)) or not _unreachable(error):
            return None
        self.outage.down(error)
        return DatabaseUnavailable("database.unavailable")


class _Scope:
    """A request scope (``Connections.scope``); a class rather than a generator, as every request
    enters one."""

    __slots__ = ("_connections", "_finish", "_token")

    def __init__(self, connections, finish):
        self._connections, self._finish, self._token = connections, finish, None

    def __enter__(self):
        self._token = self._connections._memo.set({})

    def __exit__(self, _kind, _error, _traceback):
        self._connections._close_scope(self._token, self._finish)
        return False


class _SharedRead:
    """Enters the request scope's read transaction, begun by the first read. A class rather
    than a generator: every read of every request goes through it."""

    __slots__ = ("_connections", "_memo", "_conn")

    def __init__(self, connections, memo):
        self._connections, self._memo, self._conn = connections, memo, None

    def __enter__(self):
        try:
            conn = self._connections._request_connection(self._memo)
            if not conn.in_transaction():
                conn.begin()
        except (PoolTimeout, OperationalError, InterfaceError) as error:
            failure = self._connections.failure_for(error)
            if failure is None:
                raise
            raise failure from error
        self._conn = conn
        return conn

    def __exit__(self, kind, error, _traceback):
        if kind is None:
            return False
        self._conn.rollback()
        failure = self._connections.failure_for(error)
        if failure is not None:
            raise failure from error
        return False


def _unreachable(error):
    """Whether ``error`` says the connection is gone or could not be made."""
    if isinstance(error, InterfaceError) or error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None)
    if state:
        # 08: connection exception; 57P0x: shutting down or not accepting yet; 53300: full.
        return state.startswith(("08", "57P0")) or state == "53300"
    return error.statement is None  # a failure to connect carries no statement


@contextmanager
def _writing(conn, restore_autocommit=False, *, wait=True):
    """Run a write transaction on ``conn``, out of the read-only autocommit mode if it is in it."""
    if restore_autocommit:
        conn.execution_options(isolation_level=conn.default_isolation_level)
    try:
        with write_transaction(conn, wait=wait):
            yield conn
    finally:
        if restore_autocommit:
            conn.execution_options(isolation_level="AUTOCOMMIT")
