"""Jobs run inline without Redis, and on rq workers with Redis."""

import pytest
from click.testing import CliRunner
from redis import Redis
from rq import Queue

from tessera.platform.cli import main
from tessera.runtime.events.jobs import QUEUE_NAME, BurstWorker, JobQueue
from tests.conftest import REDIS_URL
from tests.runtime.job_functions import read_values, record_value


@pytest.fixture
def redis_url():
    """A Redis database emptied before and after the test."""
    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()


@pytest.fixture
def scratch_db(tmp_path):
    return f"sqlite:///{tmp_path / 'jobs.db'}"


def test_without_redis_a_job_runs_at_once_in_the_caller(scratch_db):
    queue = JobQueue(None)
    assert queue.inline
    assert queue.enqueue(record_value, scratch_db, 21) == 42
    assert read_values(scratch_db) == [21]


@pytest.mark.redis
def test_with_redis_a_job_waits_for_a_worker(redis_url, scratch_db):
    queue = JobQueue(redis_url)
    job = queue.enqueue(record_value, scratch_db, 5)
    assert not queue.inline and job.get_status() == "queued"
    with pytest.raises(Exception):
        read_values(scratch_db)  # nothing ran yet: the table does not exist
    connection = Redis.from_url(redis_url)
    BurstWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=True)
    assert job.get_status(refresh=True) == "finished" and job.return_value() == 10
    assert read_values(scratch_db) == [5]


@pytest.mark.redis
def test_tessera_worker_drains_the_queue(redis_url, scratch_db, monkeypatch):
    queue = JobQueue(redis_url)
    jobs = [queue.enqueue(record_value, scratch_db, value) for value in (1, 2, 3)]
    monkeypatch.setenv("TESSERA_REDIS_URL", redis_url)
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert [job.get_status(refresh=True) for job in jobs] == ["finished"] * 3
    assert read_values(scratch_db) == [1, 2, 3]
