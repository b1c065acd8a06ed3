"""The guard of the ``postgres`` mark: a test that uses PostgreSQL must carry it.

The mark is how a run knows which tests it did not run on PostgreSQL (the summary at the
end, ``-m postgres``, CI failing on skipped service tests), so a PostgreSQL test without it
goes unnoticed when it is skipped. A test is found using PostgreSQL in two ways:

- at collection: one of its parameters names PostgreSQL (``"postgresql"``,
  ``"sqlite+postgresql"``...): the test is a PostgreSQL variant, whatever fixture or
  ``parametrize`` made it;
- while it runs: a SQLAlchemy pool hands out a PostgreSQL connection during its setup or
  call (a fixture may choose the server without any parameter saying so).

Either way an unmarked test fails, naming the mark it lacks (the first at collection,
refusing the whole run). tests/conftest.py registers this module as a plugin; connections
opened by other processes (a server started by a test, ``psql``) are not seen.
"""

import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

MARK = "postgres"


def names_postgresql(value):
    """True when a test parameter's value names PostgreSQL as a backend or dialect."""
    return isinstance(value, str) and "postgres" in value.lower()


def is_postgres_variant(item):
    """True when one of ``item``'s parameters names PostgreSQL."""
    callspec = getattr(item, "callspec", None)
    return callspec is not None and any(names_postgresql(v) for v in callspec.params.values())


def is_marked(item):
    """True when ``item`` carries the ``postgres`` mark (on itself, its class, module or param)."""
    return item.get_closest_marker(MARK) is not None


def unmarked_variants(items):
    """The node ids of the PostgreSQL variants among ``items`` that lack the mark."""
    return [item.nodeid for item in items if is_postgres_variant(item) and not is_marked(item)]


class ConnectionWatch:
    """Whether the running test checked a PostgreSQL connection out of a SQLAlchemy pool.

    A pool event, not an engine one: an engine event listener makes SQLAlchemy dispatch
    events on every statement, which would change what the tests measure and exercise.
    """

    def __init__(self):
        self.postgresql = False

    def __call__(self, dbapi_connection, connection_record, connection_proxy):
        if type(dbapi_connection).__module__.startswith(("psycopg", "psycopg2", "asyncpg", "pg8000")):
            self.postgresql = True

    def reset(self):
        self.postgresql = False


_watch = ConnectionWatch()


def pytest_configure(config):
    """Start watching the connections SQLAlchemy pools hand out."""
    if not event.contains(Pool, "checkout", _watch):
        event.listen(Pool, "checkout", _watch)


def pytest_collection_modifyitems(session, config, items):
    """Refuse the run when a PostgreSQL variant lacks the mark."""
    missing = unmarked_variants(items)
    if not missing:
        return
    shown = "\n  ".join(missing[:20])
    message = (f"{len(missing)} PostgreSQL test(s) lack the `{MARK}` mark "
               f"(use pytest.param(..., marks=pytest.mark.{MARK})):\n  {shown}")
    if not hasattr(config, "workerinput"):
        raise pytest.UsageError(message)
    # A pytest-xdist worker runs nothing and tells the controller, which stops the run with
    # this message (a usage error raised here would only show as the worker's crash).
    items.clear()
    session.shouldstop = message


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Start each test with no connection seen."""
    _watch.reset()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail the setup or call of an unmarked test that connected to PostgreSQL."""
    report = yield
    if call.when in ("setup", "call") and report.passed and _watch.postgresql and not is_marked(item):
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid} connected to PostgreSQL but lacks the `{MARK}` mark "
                           f"(pytest.mark.{MARK} or pytest.param(..., marks=pytest.mark.{MARK}))")
    return report
