"""Shared fixtures: every database-backed test runs on SQLite and, when configured, PostgreSQL.

Set TESSERA_TEST_POSTGRES_URL (and TESSERA_TEST_REDIS_URL) to include the servers;
with TESSERA_REQUIRE_SERVICES=1 (as CI sets) a missing or unreachable server fails the run
instead of skipping.
"""

import os
import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tessera.platform import create_app
from tessera.runtime import Context, Runtime
from tessera.runtime.identity.users import create_token, create_user

POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TESSERA_TEST_REDIS_URL")
REQUIRE_SERVICES = os.environ.get("TESSERA_REQUIRE_SERVICES") == "1"


def pytest_configure(config):
    if REQUIRE_SERVICES and not (POSTGRES_URL and REDIS_URL):
        raise pytest.UsageError(
            "TESSERA_REQUIRE_SERVICES=1 but TESSERA_TEST_POSTGRES_URL / TESSERA_TEST_REDIS_URL are not set")


_skipped_service_tests = []


def pytest_runtest_logreport(report):
    if report.skipped and any(m in report.keywords for m in ("postgres", "redis")):
        _skipped_service_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_SERVICES and _skipped_service_tests:
        print(f"\n{len(_skipped_service_tests)} PostgreSQL/Redis test(s) were skipped; failing the run")
        session.exitstatus = 1


def _backends():
    backends = ["sqlite"]
    if POSTGRES_URL or REQUIRE_SERVICES:
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return backends


@pytest.fixture
def postgres_schema_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture(params=_backends())
def database_url(request, tmp_path):
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tessera.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def runtime(database_url):
    """A Runtime on an empty database with its system tables."""
    rt = Runtime(database_url)
    rt.create_schema()
    yield rt
    rt.dispose()


@pytest.fixture
def admin_ctx(runtime):
    """The Context of a freshly created administrator."""
    with runtime.write() as conn:
        user_id = create_user(conn, "admin", is_admin=True)
    return Context(user_id=user_id, username="admin", is_admin=True)


@pytest.fixture
def app(database_url):
    """A Flask app on an empty database, in testing mode."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield app
    app.extensions["tessera"].dispose()


@pytest.fixture
def admin_token(app):
    """A bearer token of the administrator ``admin``."""
    rt = app.extensions["tessera"]
    with rt.write() as conn:
        user_id = create_user(conn, "admin", is_admin=True)
        return create_token(conn, user_id)


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
