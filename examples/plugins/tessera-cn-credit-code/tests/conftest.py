"""Fixtures of the plugin's tests: a Tessera app on SQLite and, when configured, PostgreSQL.

Tessera finds the plugin through its ``tessera.plugins`` entry point, so the package must
be installed (``make test`` installs it). Without it these tests are skipped, unless
TESSERA_REQUIRE_EXAMPLE_PLUGIN=1 (set by ``make test``) makes that an error.
"""

import os
import uuid
from importlib.metadata import entry_points
from urllib.parse import quote

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
REQUIRE_SERVICES = os.environ.get("TESSERA_REQUIRE_SERVICES") == "1"
INSTALLED = any(e.value == "tessera_cn_credit_code.plugin" for e in entry_points(group="tessera.plugins"))


def pytest_collection_modifyitems(config, items):
    if INSTALLED:
        return
    if os.environ.get("TESSERA_REQUIRE_EXAMPLE_PLUGIN") == "1":
        raise pytest.UsageError("tessera-cn-credit-code is not installed: pip install -e examples/plugins/tessera-cn-credit-code")
    here = os.path.dirname(__file__)
    skip = pytest.mark.skip(reason="tessera-cn-credit-code is not installed (make test installs it)")
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)


def _backends():
    backends = ["sqlite"]
    if POSTGRES_URL or REQUIRE_SERVICES:
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return backends


@pytest.fixture(params=_backends())
def plugin_database_url(request, tmp_path):
    """An empty database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'plugin.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    schema = f"p_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


class Client:
    """The app's test client, authenticated as an administrator, sending JSON."""

    def __init__(self, app, token):
        self.app, self.client, self.token = app, app.test_client(), token

    def call(self, method, path, json=None, headers=None, **kw):
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return getattr(self.client, method)(path, json=json, headers=headers, **kw)


@pytest.fixture
def client(plugin_database_url):
    """An admin client of a fresh Tessera app that loaded its plugins from the entry points."""
    from tessera.platform import create_app
    from tessera.runtime.identity.users import create_token, create_user

    app = create_app({"DATABASE_URL": plugin_database_url, "TESTING": True})
    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        token = create_token(conn, create_user(conn, "admin", is_admin=True))
    yield Client(app, token)
    runtime.dispose()
