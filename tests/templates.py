"""Prepared databases: an expensive starting state is built once per run and copied per test.

A ``Seed`` names a starting state and knows how to build it into an empty database. The
first test that starts from a seed builds it into a template; that test and every later
one get their own copy, so each test still runs on a fresh, real database of its own and
never sees another test's writes:

- SQLite: the template is a file, copied with SQLite's online backup into the test's
  ``tmp_path`` (a consistent copy, WAL content included).
- PostgreSQL: the template is built in a schema, kept as its ``pg_dump`` script; each
  test gets a new schema made by running the script, dropped after the test (as empty
  test schemas are). Both happen on a background thread (tests/postgres_copies.py): the
  copy is usually made before the test asks for it, and the test does not wait for the drop.

The processes of one run (pytest-xdist workers) share the templates: each is built once
per run, by the first process that needs it.

Processes only cache what they read from a database per app or Runtime (models,
principals, rules) or per compiled-model object (rights), so a copy served by a fresh app
starts with empty caches, exactly as a database built inside the test would.

A seed's ``build(url)`` returns plain data (ids, token secrets) that tests need to use the
copy; the secrets stay valid because their hashes are in the copied database.
"""

import pickle
import sqlite3
import subprocess
import threading
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

import psycopg
from filelock import FileLock
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.postgres_copies import BackgroundCopies


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

    def finish(self, seed):
        """Nothing to do: the template file is closed once its build's app is disposed."""

    def script(self, seed):
        """None: copies are made from the template file."""

    def adopt(self, seed, script):
        """Nothing to do: the run's processes share the template folder."""

    def discard(self, seed):
        """Remove a template whose build failed."""
        for suffix in ("", "-wal", "-shm"):
            (self.folder / f"{seed.name}.db{suffix}").unlink(missing_ok=True)

    def clone(self, seed, destination):
        """Copy ``seed``'s template into file ``destination``; return its URL."""
        copy_sqlite(self.folder / (seed.name + ".db"), destination)
        return f"sqlite:///{destination}"


def schema_url(server_url, schema):
    """``server_url`` with ``schema`` as the only schema on the search path.

    Its sessions commit without waiting for the commit to reach the disk
    (``synchronous_commit=off``): a test database needs no durability, what other sessions
    see is the same, and a test commits many times."""
    separator = "&" if "?" in server_url else "?"
    return f"{server_url}{separator}options={quote(f'-csearch_path={schema} -csynchronous_commit=off')}"


def _without_meta_commands(script):
    """A pg_dump script without psql's ``\\restrict`` lines, so a driver can run it."""
    return "\n".join(line for line in script.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


class PostgresTemplates:
    """Templates on one PostgreSQL server, kept as pg_dump scripts of one schema each.

    The seed is built in a schema of its own, dumped (DDL and rows, exactly as the server
    has them) and dropped. A copy runs the script in one transaction and renames the
    schema it made to the test's own, so copies of one run never meet; names carry a run
    id, so parallel runs on one server never meet either.
    """

    def __init__(self, server_url, run):
        self.server_url = server_url
        self.libpq_url = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.run = run
        self.scripts = {}
        self.copies = BackgroundCopies(self._copy, self._drop)

    def _schema(self, seed):
        return f"tpl_{self.run}_{seed.name}"

    def _execute(self, *statements):
        """Run ``statements`` in one transaction, not waiting for its commit to reach the disk."""
        with psycopg.connect(self.libpq_url, autocommit=False) as conn:
            for statement in (b"SET LOCAL synchronous_commit = off", *statements):
                conn.execute(statement)

    def template(self, seed):
        """Create an empty schema to build ``seed`` in; return its URL."""
        self._execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self._schema(seed))))
        return schema_url(self.server_url, self._schema(seed))

    def finish(self, seed):
        """Dump the built schema of ``seed`` and drop it (copies are made from the dump)."""
        schema = self._schema(seed)
        dumped = subprocess.run(["pg_dump", "--dbname", self.libpq_url, "--schema", schema, "--no-owner",
                                 "--no-privileges", "--inserts", "--rows-per-insert=500"],
                                check=True, capture_output=True, text=True)
        self.scripts[seed.name] = _without_meta_commands(dumped.stdout)
        self._drop([schema])

    def discard(self, seed):
        """Drop a template whose build failed."""
        self._drop([self._schema(seed)])

    def script(self, seed):
        """The dump script copies of ``seed`` are made from."""
        return self.scripts[seed.name]

    def adopt(self, seed, script):
        """Make copies of ``seed`` from ``script`` (another worker of the run built it)."""
        self.scripts[seed.name] = script

    def clone(self, seed):
        """A new schema holding a copy of ``seed``'s template: (schema, URL), usually made ahead."""
        return self.copies.take(seed)

    def drop(self, schema):
        """Drop ``schema`` and everything in it, behind the test (which does not wait)."""
        self.copies.drop(schema)

    def close(self):
        """Finish the background drops and drop the spare copies (at the end of the run)."""
        self.copies.close()

    def _copy(self, seed):
        """Run ``seed``'s script and rename the schema it makes: (schema, URL).

        Copies of one seed by the run's other processes wait on a lock until this one is
        committed, since each makes the template's schema before renaming it."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        lock = sql.SQL("SELECT pg_advisory_xact_lock(hashtext({}))").format(sql.Literal(self._schema(seed)))
        rename = sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
            sql.Identifier(self._schema(seed)), sql.Identifier(schema))
        self._execute(lock, self.scripts[seed.name].encode(), rename)
        return schema, schema_url(self.server_url, schema)

    def _drop(self, schemas):
        self._execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.SQL(", ").join(sql.Identifier(schema) for schema in schemas)))


class Templates:
    """The templates of one test run, per backend, each built once with its seed's data.

    The processes of one run (pytest-xdist workers) share them: they are given the same
    folder and run id, and the first process that needs a template builds it while the
    others wait on a file lock, then read its data (and, for PostgreSQL, its script).
    """

    def __init__(self, folder, postgres_url=None, run=None):
        self.folder = folder
        self.run = run or uuid.uuid4().hex[:8]
        self.sqlite = SqliteTemplates(folder)
        self._postgres_url = postgres_url
        self._postgres = None
        self._data = {}
        self._lock = threading.Lock()

    @property
    def postgres(self):
        """The PostgreSQL templates (the server is contacted on first use)."""
        if self._postgres is None:
            self._postgres = PostgresTemplates(self._postgres_url, self.run)
        return self._postgres

    def close(self):
        """End of the run: finish the PostgreSQL copies' background work."""
        if self._postgres is not None:
            self._postgres.close()

    def data(self, seed, backend):
        """``seed``'s data on ``backend``, building its template first if no process has."""
        key = (seed.name, backend)
        with self._lock:
            if key not in self._data:
                self._data[key] = self._load_or_build(seed, self.sqlite if backend == "sqlite" else self.postgres,
                                                      self.folder / f"{seed.name}.{backend}.pickle")
            return self._data[key]

    @staticmethod
    def _load_or_build(seed, store, saved):
        with FileLock(f"{saved}.lock"):
            if not saved.exists():
                data = Templates._build(seed, store)
                saved.write_bytes(pickle.dumps({"data": data, "script": store.script(seed)}))
            built = pickle.loads(saved.read_bytes())
        store.adopt(seed, built["script"])
        return built["data"]

    @staticmethod
    def _build(seed, store):
        url = store.template(seed)
        try:
            data = seed.build(url)
        except BaseException:
            store.discard(seed)  # so the next test reports the same failure, not a leftover
            raise
        store.finish(seed)
        return data
