"""PostgreSQL copies made ahead of the tests that need them and dropped behind them.

Making a copy of a prepared state (running its dump script) and dropping a test's schema
are mostly waits on the server's disk: every index a copy builds is written and fsynced,
and a copy holds dozens. None of it needs the test process's CPU, so it runs on a
background thread while the tests run:

- ``take(seed)``: a copy of ``seed``. Every call also starts the next copy of the same
  seed, a spare for the next test starting from it (the tests of a module mostly share a
  seed, and a test's PostgreSQL variant follows its SQLite one), so a test usually finds
  its copy made. At most one spare per seed; the first call for a seed waits for its copy.
- ``drop(schema)``: the schema is dropped behind the test, which does not wait.
- ``close()``: at the end of the run, drop the spares, wait for every drop, and raise the
  first error a drop had (a failing drop is reported, never lost).

Two threads, one making copies, one dropping schemas, so that a drop never delays the
copy the next test waits for. Copies are made one at a time, in order, so two copies of
one seed never run at once in a process (tests/templates.py locks them against the run's
other processes). Both use psycopg directly, never a SQLAlchemy pool: tests/postgres_mark.py
watches pool checkouts to find the tests that use PostgreSQL, and must not see these.
"""

import threading
from concurrent.futures import ThreadPoolExecutor


class BackgroundCopies:
    """Copies made ahead and schemas dropped behind, each on a background thread.

    ``make(seed)`` makes a copy of ``seed`` and returns (schema, URL); ``drop(schemas)``
    drops a list of schemas.
    """

    def __init__(self, make, drop):
        self._make, self._drop = make, drop
        self._copier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-copies")
        self._dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-drops")
        self._spares = {}
        self._drops = []
        self._lock = threading.Lock()

    def take(self, seed):
        """A new copy of ``seed``, (schema, URL); a spare is started for the next caller."""
        with self._lock:
            copy = self._spares.pop(seed.name, None) or self._copier.submit(self._make, seed)
            self._spares[seed.name] = self._copier.submit(self._make, seed)
        return copy.result()

    def drop(self, schema):
        """Drop ``schema`` in the background."""
        with self._lock:
            self._drops.append(self._dropper.submit(self._drop, [schema]))

    def close(self):
        """Drop the spares, wait for every drop, and raise the first error of one."""
        with self._lock:
            spares, self._spares = list(self._spares.values()), {}
            made = [spare.result()[0] for spare in spares if spare.exception() is None]
            # One schema a statement: dropping every spare at once takes a lock per table and
            # index of all of them in one transaction, beyond max_locks_per_transaction.
            self._drops.extend(self._dropper.submit(self._drop, [schema]) for schema in made)
        self._copier.shutdown(wait=True)
        self._dropper.shutdown(wait=True)
        for dropped in self._drops:
            dropped.result()
