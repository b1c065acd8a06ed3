"""GET /api/v1/health is a readiness check: it answers without a token, names the
published revision and the state of the database and Redis, and answers 503 with
Retry-After while a service it needs does not answer."""

import socket
from urllib.parse import urlsplit

import pytest

from tessera.platform import create_app
from tessera.runtime.db import make_engine
from tests.conftest import REDIS_URL
from tests.platform.support import assert_problem

HEALTH = "/api/v1/health"
OBJECT = {"name": "deal", "label": "Deal", "fields": [{"name": "title", "type": "text", "max_length": 80}]}


#: The outbox counts of a database where nothing happened yet.
NO_EVENTS = {"pending": 0, "dead": 0, "delivered": 0}

def closed_port():
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_url(database_url, tmp_path):
    """A URL of the same database kind that cannot be opened: a SQLite file in a directory
    that does not exist, or a PostgreSQL server on a closed port."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'removed' / 'tessera.db'}"
    parts = urlsplit(database_url)
    return f"{parts.scheme}://{parts.username}@127.0.0.1:{closed_port()}/test"


@pytest.fixture
def app_with(database_url):
    """A factory of apps on ``database_url`` with extra settings; all disposed afterwards."""
    made = []

    def make(**settings):
        made.append(create_app({"DATABASE_URL": database_url, "TESTING": True, **settings}))
        return made[-1]
    yield make
    for app in made:
        app.extensions["tessera"].dispose()


def test_health_names_the_published_revision_without_a_token(app, api):
    client = app.test_client()
    assert client.get(HEALTH).get_json() == {"status": "ok", "revision": 0, "database": "ok",
                                             "redis": "not_configured", "events": NO_EVENTS}
    api.post("/api/v1/metadata/object", json=OBJECT)
    assert api.post("/api/v1/metadata/publish").status_code == 200
    answer = client.get(HEALTH)
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "revision": 1, "database": "ok", "redis": "not_configured",
                                 "events": {**NO_EVENTS, "pending": 1}}  # the publish's metadata.published


def test_health_answers_503_database_unavailable_when_the_database_does_not_answer(app, database_url, tmp_path):
    runtime = app.extensions["tessera"]
    runtime.dispose()
    runtime.connections.engine = make_engine(unreachable_url(database_url, tmp_path))
    answer = app.test_client().get(HEALTH, headers={"Accept-Language": "zh-CN"})
    body = assert_problem(answer, 503, "database_unavailable")
    assert int(answer.headers["Retry-After"]) > 0
    assert (body["title"], body["detail"]) == ("数据库不可用", "无法连接数据库，请稍后重试")


def test_health_answers_503_service_unavailable_when_the_configured_redis_does_not_answer(app_with):
    app = app_with(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    answer = app.test_client().get(HEALTH)
    body = assert_problem(answer, 503, "service_unavailable")
    assert body["detail"] == "Redis does not answer"
    assert int(answer.headers["Retry-After"]) > 0


@pytest.mark.redis
def test_health_reports_redis_when_it_is_configured_and_answers(app_with):
    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    answer = app_with(REDIS_URL=REDIS_URL).test_client().get(HEALTH)
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "revision": 0, "database": "ok", "redis": "ok", "events": NO_EVENTS}
