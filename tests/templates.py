"""Prepared databases: an expensive starting state is built once per run and copied per test.

A ``Seed`` names a starting state and knows how to build it into an empty database. The
first test that starts from a seed builds it into a template; that test and every later
one get their own copy, so each test still runs on a fresh, real database of its own and
never sees another test's writes:

- SQLite: the template is a file, copied with SQLite's online backup into the test's
  ``tmp_path`` (a consistent copy, WAL content included).
- PostgreSQL: the template is a database of its own; each test gets
  ``CREATE DATABASE ... TEMPLATE ...``, dropped after the test. Nothing stays connected
  to a template after it is built, as PostgreSQL requires for copying it.

Processes only cache what they read from a database per app or Runtime (models,
principals, rules) or per compiled-model object (rights), so a copy served by a fresh app
starts with empty caches, exactly as a database built inside the test would.

A seed's ``build(url)`` returns plain data (ids, token secrets) that tests need to use the
copy; the secrets stay valid because their hashes are in the copied database.
"""

import sqlite3
import threading
import uuid
from dataclasses import dataclass
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class Seed:
    """A named starting state: ``build(url)`` fills the empty database at ``url``, returns data."""

    name: str
    build: Callable[[str], dict]


def copy_sqlite(source, destination):
    """Copy SQLite database file ``source`` into ``destination`` with the online backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(destination)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


class SqliteTemplates:
    """Template files in one folder, built on first use."""

    def __init__(self, folder):
        self.folder = folder

    def template(self, seed):
        """An empty file URL for building ``seed``'s template."""
        return f"sqlite:///{self.folder / (seed.name + '.db')}"

    def clone(self, seed, destination):
        """Copy ``seed``'s template into file ``destination``; return its URL."""
        copy_sqlite(self.folder / (seed.name + ".db"), destination)
        return f"sqlite:///{destination}"


class PostgresTemplates:
    """Template databases on one server, named per run so parallel runs never meet."""

    def __init__(self, server_url):
        self.server = make_url(server_url)
        self.run = uuid.uuid4().hex[:8]
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        self.templates = []

    def _execute(self, statement):
        with self.admin.connect() as conn:
            conn.exec_driver_sql(statement)

    def _url(self, name):
        return self.server.set(database=name).render_as_string(hide_password=False)

    def template(self, seed):
        """Create an empty template database for ``seed``; return its URL."""
        name = f"tpl_{self.run}_{seed.name}"
        self._execute(f'CREATE DATABASE "{name}"')
        self.templates.append(name)
        return self._url(name)

    def clone(self, seed):
        """A new database copied from ``seed``'s template: (name, URL)."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "tpl_{self.run}_{seed.name}"')
        return name, self._url(name)

    def drop(self, name):
        """Drop database ``name``, ending any connection still open on it."""
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self):
        """Drop every template of this run."""
        for name in self.templates:
            self.drop(name)
        self.admin.dispose()


class Templates:
    """The templates of one test run, per backend, each built once with its seed's data."""

    def __init__(self, folder, postgres_url=None):
        self.sqlite = SqliteTemplates(folder)
        self._postgres_url = postgres_url
        self._postgres = None
        self._data = {}
        self._lock = threading.Lock()

    @property
    def postgres(self):
        """The PostgreSQL templates (the server is contacted on first use)."""
        if self._postgres is None:
            self._postgres = PostgresTemplates(self._postgres_url)
        return self._postgres

    def data(self, seed, backend):
        """``seed``'s data on ``backend``, building its template first if needed."""
        key = (seed.name, backend)
        with self._lock:
            if key not in self._data:
                store = self.sqlite if backend == "sqlite" else self.postgres
                self._data[key] = seed.build(store.template(seed))
            return self._data[key]

    def close(self):
        """Drop the PostgreSQL templates (SQLite files go with pytest's temporary folder)."""
        if self._postgres is not None:
            self._postgres.close()
