"""Prepared states: built once per run by whichever process needs one first, copied per test;
PostgreSQL copies are made ahead of the tests and dropped behind them (tests/templates.py,
tests/postgres_copies.py)."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL
from tests.postgres_copies import BackgroundCopies
from tests.templates import Seed, Templates

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def note_seed(table):
    """A seed making one table ``table`` with one row; its data counts its builds."""
    builds = []

    def build(url):
        builds.append(url)
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, body VARCHAR(20))")
            conn.exec_driver_sql(f"INSERT INTO {table} (id, body) VALUES (1, 'seeded')")
        engine.dispose()
        return {"builds": len(builds)}
    return Seed(f"notes_{table}", build), builds


def rows(url, table):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(f"SELECT body FROM {table} ORDER BY id").scalars().all()
    finally:
        engine.dispose()


def copy_of(templates, seed, backend, tmp_path):
    if backend == "sqlite":
        return None, templates.sqlite.clone(seed, tmp_path / f"{uuid.uuid4().hex}.db")
    return templates.postgres.clone(seed)


@pytest.fixture
def server(request):
    if request.node.callspec.params["backend"] == "postgresql" and not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_processes_of_a_run_build_a_seed_once_and_share_its_data(tmp_path, server, backend):
    table = f"note_{uuid.uuid4().hex[:8]}"
    seed, builds = note_seed(table)
    processes = [Templates(tmp_path, server, run="sharedrun") for _ in range(3)]
    data = [None] * len(processes)

    def ask(number):
        data[number] = processes[number].data(seed, backend)
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(processes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(builds) == 1 and data == [{"builds": 1}] * 3
        for templates in processes:
            schema, url = copy_of(templates, seed, backend, tmp_path)
            assert rows(url, table) == ["seeded"]
            if schema:
                templates.postgres.drop(schema)
    finally:
        for templates in processes:
            templates.close()


@pytest.mark.postgres
def test_a_postgresql_copy_is_fresh_and_nothing_is_left_after_the_run(tmp_path):
    if not POSTGRES_URL:
        pytest.skip("TESSERA_TEST_POSTGRES_URL is not set")
    table = f"note_{uuid.uuid4().hex[:8]}"
    seed, _ = note_seed(table)
    templates = Templates(tmp_path, POSTGRES_URL)
    templates.data(seed, "postgresql")
    schema, url = templates.postgres.clone(seed)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {table} (id, body) VALUES (2, 'written')")
    engine.dispose()
    templates.postgres.drop(schema)
    second, url = templates.postgres.clone(seed)
    assert rows(url, table) == ["seeded"]
    templates.postgres.drop(second)
    templates.close()  # the spare made for a third test is dropped too
    engine = sa.create_engine(POSTGRES_URL)
    with engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM information_schema.tables WHERE table_name = :t"),
                            {"t": table}).scalar()
    engine.dispose()
    assert left == 0


def test_a_copy_taken_is_replaced_by_a_spare_made_ahead():
    made = []
    copies = BackgroundCopies(lambda seed: made.append(seed.name) or (f"s{len(made)}", "url"), lambda schemas: None)
    seed = Seed("one", lambda url: {})
    assert copies.take(seed) == ("s1", "url")
    assert copies.take(seed) == ("s2", "url")  # the spare, made while the first test ran
    copies.close()
    assert made == ["one", "one", "one"]


def test_a_failing_background_drop_fails_the_end_of_the_run():
    def drop(schemas):
        raise RuntimeError(f"cannot drop {schemas}")
    copies = BackgroundCopies(lambda seed: ("s", "url"), drop)
    copies.drop("t_gone")
    with pytest.raises(RuntimeError, match="t_gone"):
        copies.close()
