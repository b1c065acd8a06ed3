"""Shared fixtures: every database-backed test runs on SQLite and, when configured, PostgreSQL.

Set TESSERA_TEST_POSTGRES_URL (and TESSERA_TEST_REDIS_URL) to include the servers; a run
without them ends by saying which servers it did not test against (tests/services.py).
With TESSERA_REQUIRE_SERVICES=1 (as CI sets) a missing or unreachable server fails the run
instead of skipping. Every PostgreSQL test carries the ``postgres`` mark
(tests/postgres_mark.py refuses one that does not).

A test's database is empty unless a conftest or test module overrides ``database_seed``
(see ``seeds_for``): then it starts as a private copy of a prepared state built once per
run (tests/templates.py explains how, tests/README.md why).
"""

import copy
import os
import uuid

import pytest
import sqlalchemy as sa

from tessera.platform import create_app
from tessera.runtime import Context, Runtime
from tessera.runtime.identity.users import create_token, create_user
from tests import postgres_mark, services
from tests.templates import Seed, Templates, schema_url

POSTGRES_URL = services.POSTGRES.url
#: This process's Redis database: the configured one, or under pytest-xdist its worker's own.
REDIS_URL = services.REDIS.url
REQUIRE_SERVICES = os.environ.get("TESSERA_REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    if not config.pluginmanager.is_registered(postgres_mark):
        config.pluginmanager.register(postgres_mark, "tessera-postgres-mark")
    if REQUIRE_SERVICES and not (POSTGRES_URL and REDIS_URL):
        raise pytest.UsageError(
            "TESSERA_REQUIRE_SERVICES=1 but TESSERA_TEST_POSTGRES_URL / TESSERA_TEST_REDIS_URL are not set")
    if services.REDIS.configured and not hasattr(config, "workerinput"):
        _enough_redis_databases(len(config.getoption("tx", None) or []) or 1)


def _enough_redis_databases(workers):
    """Refuse a parallel run whose workers cannot each have a Redis database (tests/services.py)."""
    first = services.redis_database(services.REDIS.configured)
    if first < workers - 1:
        raise pytest.UsageError(f"TESSERA_TEST_REDIS_URL names database {first}, but each of the {workers} workers "
                                f"uses its own, counting down from it: name database {workers - 1} or above")


def pytest_collection_modifyitems(config, items):
    """Keep a module's tests on one pytest-xdist worker when they share a module-scoped
    fixture (the browser tests' live server and Chromium), so that it is built once."""
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        if fixtures and any(defs[-1].scope == "module" for defs in fixtures.name2fixturedefs.values()):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


_skipped_service_tests = {service.mark: [] for service in services.SERVICES}


def pytest_runtest_logreport(report):
    if report.skipped:
        for mark, skipped in _skipped_service_tests.items():
            if mark in report.keywords:
                skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    skipped = sum(len(ids) for ids in _skipped_service_tests.values())
    if REQUIRE_SERVICES and skipped:
        print(f"\n{skipped} PostgreSQL/Redis test(s) were skipped; failing the run")
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    """Say plainly which servers this run did not test against, and how to include them."""
    lines = services.summary_lines(_skipped_service_tests)
    if lines:
        terminalreporter.section("not tested", sep="-", yellow=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line, yellow=True, bold=True)


def _backends():
    backends = ["sqlite"]
    if POSTGRES_URL or REQUIRE_SERVICES:
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return backends


@pytest.fixture
def postgres_schema_url(templates):
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    if not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    yield schema_url(POSTGRES_URL, schema)
    templates.postgres.drop(schema)


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """The prepared databases of this run, each built on first use."""
    templates = Templates(_shared_folder(tmp_path_factory, "templates"), POSTGRES_URL,
                          os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or None)
    yield templates
    templates.close()


def _shared_folder(tmp_path_factory, name):
    """A new folder of this run, shared by its pytest-xdist workers (each has its own base
    folder in the run's)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return tmp_path_factory.mktemp(name)
    folder = tmp_path_factory.getbasetemp().parent / name
    folder.mkdir(exist_ok=True)
    return folder


def _system_tables(*, admin=False, token=False):
    """A seed build: the system tables, then optionally the administrator and their token."""
    def build(url):
        runtime = Runtime(url)
        try:
            runtime.create_schema()
            if not admin:
                return {}
            with runtime.write() as conn:
                data = {"admin_id": create_user(conn, "admin", is_admin=True)}
                if token:
                    data["admin_token"] = create_token(conn, data["admin_id"])
            return data
        finally:
            runtime.dispose()
    return build


#: The prepared states every test gets by default, by the first of these fixtures it uses:
#: what the ``admin_token``, ``admin_ctx``, ``app`` and ``runtime`` fixtures would build.
SYSTEM_TABLES = Seed("system_tables", _system_tables())
STANDARD_SEEDS = (
    ("admin_token", Seed("admin_token", _system_tables(admin=True, token=True))),
    ("admin_ctx", Seed("admin_user", _system_tables(admin=True))),
    ("app", SYSTEM_TABLES),
    ("runtime", SYSTEM_TABLES),
)


def choose_seed(fixture_names, seeds):
    """The seed of the one fixture of ``seeds`` in ``fixture_names``, else a standard one, else None."""
    used = [seed for name, seed in seeds.items() if name in fixture_names]
    assert len(used) <= 1, f"a test can start from one prepared database only, not {used}"
    if used:
        return used[0]
    return next((seed for name, seed in STANDARD_SEEDS if name in fixture_names), None)


def seeds_for(**seeds):
    """A ``database_seed`` fixture choosing, by fixture name, the seed of the one the test uses.

    ``database_seed = seeds_for(org=ORG)`` in a conftest: a test using ``org`` starts from a
    copy of ``ORG``; the others there start from a standard seed as everywhere else.
    """
    @pytest.fixture
    def database_seed(request):
        return choose_seed(request.fixturenames, seeds)
    return database_seed


#: What the test's database starts from (None: empty); conftests override it with seeds_for.
database_seed = seeds_for()


@pytest.fixture(params=_backends())
def database_url(request, tmp_path, database_seed):
    """The URL of the test's own database: a SQLite file or on PostgreSQL, empty or seeded."""
    if database_seed is not None:
        return _seeded_url(request, tmp_path, database_seed)
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tessera.db'}"
    return request.getfixturevalue("postgres_schema_url")


def _seeded_url(request, tmp_path, seed):
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    templates = request.getfixturevalue("templates")
    templates.data(seed, request.param)
    if request.param == "sqlite":
        return templates.sqlite.clone(seed, tmp_path / "tessera.db")
    name, url = templates.postgres.clone(seed)
    request.addfinalizer(lambda: templates.postgres.drop(name))
    return url


@pytest.fixture
def seed_data(request, database_seed, database_url):
    """What the seed's build returned (ids, token secrets), the test's own copy to change."""
    assert database_seed is not None, "seed_data needs a seeded database"
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    return copy.deepcopy(request.getfixturevalue("templates").data(database_seed, backend))


@pytest.fixture
def runtime(database_url):
    """A Runtime on a database holding its system tables only."""
    rt = Runtime(database_url)
    rt.create_schema()
    yield rt
    rt.dispose()


@pytest.fixture
def admin_ctx(request, runtime, database_seed):
    """The Context of a freshly created administrator (the seed's, on a database seeded with one)."""
    user_id = _seeded(request, database_seed, "admin_id")
    if user_id is None:
        with runtime.write() as conn:
            user_id = create_user(conn, "admin", is_admin=True)
    return Context(user_id=user_id, username="admin", is_admin=True)


def _seeded(request, seed, key):
    """``key`` of the seed's data, or None when the database is empty or its seed lacks it."""
    if seed is None:
        return None
    return request.getfixturevalue("seed_data").get(key)


@pytest.fixture
def app(database_url):
    """A Flask app, in testing mode, on a database holding its system tables only."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app
    app.extensions["tessera"].dispose()


@pytest.fixture
def admin_token(request, app, database_seed):
    """A bearer token of the administrator ``admin`` (the seed's, on a seeded database)."""
    return _seeded(request, database_seed, "admin_token") or _admin_token(app)


class Api:
    """A test client that sends the bearer token and JSON."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, **kw):
        return self.client.get(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(path, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path, json=None, **kw):
        return self.client.put(path, json=json, headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch(path, json=json, headers=self._headers(kw.pop("headers", None)), **kw)


@pytest.fixture
def api(app, admin_token):
    """An authenticated JSON client as the administrator."""
    return Api(app.test_client(), admin_token)


def api_seed(name, build):
    """A Seed built as the tests' ``api`` fixture would: ``build(api)`` returns its data.

    The build runs on an app of its own over the template, with the administrator
    ``admin`` created first; the data gains ``admin_token``.
    """
    return Seed(name, lambda url: _build_through_api(url, build))


def _admin_token(app):
    with app.extensions["tessera"].write() as conn:
        user_id = create_user(conn, "admin", is_admin=True)
        return create_token(conn, user_id)


def _build_through_api(url, build):
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        token = _admin_token(app)
        return {**build(Api(app.test_client(), token)), "admin_token": token}
    finally:
        app.extensions["tessera"].dispose()
