"""While the database cannot be reached every route answers 503 database_unavailable with
Retry-After, and the outage is logged once; when every pooled connection stays busy a
request answers 503 database_busy instead of failing with a 500."""

import logging
import sqlite3
import time

import pytest
import sqlalchemy as sa

from sqlalchemy.pool import NullPool

from tessera.platform import create_app
from tessera.runtime.db import make_engine
from tessera.runtime.identity.tokens import create_token
from tessera.runtime.identity.users import create_user
from tessera.runtime.schema.system_tables import token as token_table
from tests.platform.support import assert_problem
from tests.platform.test_health import app_with, unreachable_url  # noqa: F401 - app_with is a fixture

DEAL = {"name": "deal", "label": {"en": "Deal"}, "fields": [{"name": "title", "type": "text", "max_length": 80}]}
RECORDS = "/api/v1/objects/deal/records"


def published_deal(api):
    assert api.post("/api/v1/metadata/object", json=DEAL).status_code == 201
    assert api.post("/api/v1/metadata/publish").status_code == 200
    created = api.post(RECORDS, json={"title": "Pumps"})
    assert created.status_code == 201, created.get_json()
    return created.get_json()["id"]


def take_database_away(app, database_url, tmp_path):
    runtime = app.extensions["tessera"]
    reachable = runtime.connections.engine
    runtime.connections.engine = make_engine(unreachable_url(database_url, tmp_path))
    return lambda: setattr(runtime.connections, "engine", reachable)


def test_every_route_answers_503_database_unavailable_while_the_database_is_down(app, api, database_url, tmp_path):
    record_id = published_deal(api)
    take_database_away(app, database_url, tmp_path)
    answers = [api.get(f"{RECORDS}/{record_id}"), api.get(RECORDS), api.post(RECORDS, json={"title": "Valves"}),
               api.patch(f"{RECORDS}/{record_id}", json={"title": "Valves"}), api.get("/api/v1/users/me"),
               app.test_client().get("/api/v1/health"),
               app.test_client().post("/api/v1/auth/login", json={"username": "admin", "password": "x"})]
    for answer in answers:
        body = assert_problem(answer, 503, "database_unavailable")
        assert answer.headers["Retry-After"] == "5"
        assert body["detail"] == "the database cannot be reached; try again shortly"


def test_a_database_outage_is_logged_once_and_its_end_once(app, api, database_url, tmp_path, caplog):
    record_id = published_deal(api)
    bring_back = take_database_away(app, database_url, tmp_path)
    with caplog.at_level(logging.INFO, logger="tessera"):
        for _ in range(20):
            assert api.get(f"{RECORDS}/{record_id}").status_code == 503
        bring_back()
        assert api.get(f"{RECORDS}/{record_id}").get_json()["title"] == "Pumps"
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("tessera")]
    assert len(messages) == 2, messages
    assert messages[0].startswith("database unreachable")
    assert messages[1].startswith("database reachable again")
    assert all(r.exc_info is None for r in caplog.records)


def test_a_request_that_finds_every_connection_busy_answers_503_database_busy(app_with, database_url):
    app = app_with(DATABASE_POOL_SIZE=1, DATABASE_POOL_TIMEOUT=1)
    engine = app.extensions["tessera"].engine
    held = [engine.connect() for _ in range(11)]  # the pool's one connection and its 10 overflow
    try:
        answer = app.test_client().get("/api/v1/health", headers={"Accept-Language": "zh-CN"})
        body = assert_problem(answer, 503, "database_busy")
        assert answer.headers["Retry-After"] == "1"
        assert body["detail"] == "数据库正忙于处理其他请求，请稍后重试"
    finally:
        for conn in held:
            conn.close()
    assert app.test_client().get("/api/v1/health").status_code == 200


def test_a_connection_the_server_dropped_answers_503_once_and_the_next_request_reconnects(app, api, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the server drops connections on PostgreSQL only")
    record_id = published_deal(api)
    drop_pooled_connections(app.extensions["tessera"].engine, database_url)
    dropped = api.get(f"{RECORDS}/{record_id}")
    assert_problem(dropped, 503, "database_unavailable")
    assert api.get(f"{RECORDS}/{record_id}").get_json()["title"] == "Pumps"


def drop_pooled_connections(engine, database_url):
    """Make the server end every connection idling in ``engine``'s pool, as a restart would."""
    pooled = [engine.connect() for _ in range(engine.pool.checkedin())]
    pids = [conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() for conn in pooled]
    for conn in pooled:
        conn.close()
    killer = make_engine(database_url, poolclass=NullPool)
    with killer.connect() as conn:
        for pid in pids:
            conn.exec_driver_sql("SELECT pg_terminate_backend(%(pid)s)", {"pid": pid})
    killer.dispose()


def test_a_read_does_not_queue_behind_a_sqlite_writer_to_note_its_token_was_used(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'tessera.db'}", "TESTING": True})
    runtime = app.extensions["tessera"]
    try:
        with runtime.write() as conn:
            token = create_token(conn, create_user(conn, "admin", is_admin=True))
        writer = sqlite3.connect(tmp_path / "tessera.db", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock, as a long publish does
        started = time.monotonic()
        answer = app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.get_json()["username"] == "admin"
        assert time.monotonic() - started < 2  # not the 10 s busy timeout
        writer.execute("ROLLBACK")
        with runtime.read() as conn:
            assert token_row(conn)["last_used_at"] is None  # noted by a later request instead
        app.test_client().get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        with runtime.read() as conn:
            assert token_row(conn)["last_used_at"] is not None
        writer.close()
    finally:
        runtime.dispose()


def token_row(conn):
    return conn.execute(sa.select(token_table)).mappings().one()
