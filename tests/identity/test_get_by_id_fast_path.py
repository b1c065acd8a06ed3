"""GET by id through the statements run on the DBAPI cursor (token and record): every access
check still decides, a hidden field stays hidden on each access path, and a database fault in
the middle of the request is a 503 problem after which the next request is served."""

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from tessera.runtime.db import make_engine
from tessera.runtime.schema.system_tables import token as token_table
from tests.identity.conftest import url
from tests.platform.support import assert_problem


@pytest.fixture
def deal(org):
    """Alice's deal with a hidden margin, shared with dave by hand (bob and dave see it no other way)."""
    record = org.create("alice", title="deal", amount="100.00", region="East")
    assert org.admin.patch(url(record), json={"margin": "42.00", "discount": "0.1000"}).status_code == 200
    shared = org["alice"].post(url(record, suffix="/share"), json={"user": org.ids["dave"]})
    assert shared.status_code in (200, 201), shared.get_json()
    return record


@pytest.mark.parametrize("reader", ["alice", "dave", "carol", "vera"])
def test_each_access_path_reads_the_record_without_its_hidden_field(org, deal, reader):
    # alice owns it, dave has a manual share, carol and vera are above alice in the role hierarchy
    full = org.admin.get(url(deal)).get_json()
    answer = org[reader].get(url(deal))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {k: v for k, v in full.items() if k != "margin"}
    assert answer.headers["ETag"] == f'"{full["version"]}"'


def test_a_reader_with_no_path_to_the_record_gets_404_as_for_a_missing_one(org, deal):
    assert_problem(org["bob"].get(url(deal)), 404, "record_not_found")
    assert_problem(org["wendy"].get(url(deal)), 404, "record_not_found")
    assert_problem(org["alice"].get(url(deal + 1000)), 404, "record_not_found")


def test_asking_for_the_hidden_field_by_name_is_still_refused(org, deal):
    assert_problem(org["dave"].get(url(deal) + "?fields=title,margin"), 403, "field_access_denied")
    assert org["dave"].get(url(deal) + "?fields=title").get_json()["title"] == "deal"


def test_a_share_taken_back_acts_on_the_very_next_read(org, deal):
    assert org["dave"].get(url(deal)).status_code == 200
    removed = org["alice"].delete(url(deal, suffix=f"/share?user={org.ids['dave']}"))
    assert removed.status_code == 204, removed.get_data(as_text=True)
    assert_problem(org["dave"].get(url(deal)), 404, "record_not_found")


def test_a_revoked_token_is_refused_on_the_very_next_read(org, deal):
    assert org["alice"].get(url(deal)).status_code == 200
    with org.runtime.write() as conn:
        conn.execute(sa.update(token_table).where(token_table.c.user_id == org.ids["alice"])
                     .values(revoked_at=sa.func.now() if conn.dialect.name == "postgresql" else sa.func.datetime("now")))
    assert_problem(org["alice"].get(url(deal)), 401)


def fail_once(engine, table_name, fault):
    """Run ``fault(cursor)`` just before the first statement reading ``table_name``."""
    def before(_conn, cursor, statement, *_rest):
        if f"FROM {table_name}" in statement and not fired:
            fired.append(statement)
            fault(cursor)

    fired = []
    sa.event.listen(engine, "before_cursor_execute", before)
    return fired


def sqlite_busy(_cursor):
    error = sqlite3.OperationalError("database is locked")
    error.sqlite_errorcode, error.sqlite_errorname = 5, "SQLITE_BUSY"
    raise error


def server_drops_connection(database_url):
    def drop(cursor):
        killer = make_engine(database_url, poolclass=NullPool)
        with killer.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": cursor.connection.info.backend_pid})
        killer.dispose()
    return drop


@pytest.mark.parametrize("statement", ["token", "record"])
def test_a_database_fault_in_the_middle_of_a_read_is_a_503_problem_and_the_next_read_is_served(
        org, deal, database_url, statement):
    table_name = token_table.name if statement == "token" else "obj_opportunity"
    engine = org.runtime.engine
    if database_url.startswith("sqlite"):
        fired = fail_once(engine, table_name, sqlite_busy)
        code = "database_busy"
    else:
        fired = fail_once(engine, table_name, server_drops_connection(database_url))
        code = "database_unavailable"
    answer = org["carol"].get(url(deal))
    assert fired, "the fault was not injected"
    assert_problem(answer, 503, code)
    assert "Retry-After" in answer.headers
    again = org["carol"].get(url(deal))
    assert again.status_code == 200 and "margin" not in again.get_json()
    assert engine.pool.checkedout() == 0
