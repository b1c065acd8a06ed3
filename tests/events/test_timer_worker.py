"""Where timers fire outside a test's own calls: ``tessera worker`` (a database poll without
Redis; rq jobs enqueued at each timer's due time with Redis, the poll beside them), and
the thread ``tessera serve`` and ``tessera demo`` tick them in without Redis."""

import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from redis import Redis

from tessera.platform import create_app, hookimpl, timer_jobs
from tessera.platform.cli import main
from tessera.platform.config import load_settings
from tessera.platform.plugins import plugged_runtime_options
from tessera.runtime import Runtime
from tessera.runtime.clock import utc_now
from tests.conftest import REDIS_URL
from tests.events.support import fired_ids, mark_fired, timer_row


class PingTimers:
    """A plugin offering the timer kind ``ping``."""

    @hookimpl
    def tessera_register_timer_kinds(self):
        return {"ping": mark_fired}


@pytest.fixture
def worker_env(monkeypatch, database_url):
    """The settings a worker process reads: this test's database, the ``ping`` plugin, no Redis."""
    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)
    monkeypatch.delenv("TESSERA_REDIS_URL", raising=False)
    monkeypatch.setattr(timer_jobs, "plugged_runtime_options", lambda: plugged_runtime_options([PingTimers()]))
    return monkeypatch


@pytest.fixture
def redis_url():
    """A Redis database emptied before and after the test."""
    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()
    connection.close()


def _schedule(runtime, due_at):
    with runtime.write() as conn:
        return runtime.timers.schedule(conn, "ping", due_at, subject_type="test", subject_id=1)


def test_a_plugin_offers_a_timer_kind_to_the_apps_runtime(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[PingTimers()])
    runtime = app.extensions["tessera"]
    try:
        assert "ping" in runtime.timers.kinds()
        timer_id = _schedule(runtime, utc_now())
        assert runtime.timers.run_due() == 1 and fired_ids(runtime) == [timer_id]
    finally:
        runtime.dispose()


def test_without_redis_tessera_worker_burst_fires_the_due_timers_and_exits(runtime, worker_env):
    due = _schedule(runtime, utc_now() - timedelta(seconds=1))
    later = _schedule(runtime, utc_now() + timedelta(hours=1))
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert fired_ids(runtime) == [due] and timer_row(runtime, later)["status"] == "scheduled"


@pytest.mark.redis
def test_with_redis_a_timer_is_an_rq_job_at_its_due_time_which_tessera_worker_runs(
        runtime, worker_env, redis_url, database_url):
    from rq import Queue
    from rq.job import Job
    from rq.registry import ScheduledJobRegistry

    from tessera.runtime.events.jobs import QUEUE_NAME

    worker_env.setenv("TESSERA_REDIS_URL", redis_url)
    announced = Runtime(database_url)
    announced.timers.announce = timer_jobs.RqTimerAnnouncer(redis_url)
    try:
        timer_id = _schedule(announced, utc_now() - timedelta(seconds=1))
    finally:
        announced.dispose()
    connection = Redis.from_url(redis_url)
    (job_id,) = ScheduledJobRegistry(queue=Queue(QUEUE_NAME, connection=connection)).get_job_ids()
    assert fired_ids(runtime) == []

    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    job = Job.fetch(job_id, connection=connection)
    assert (job.get_status(), job.return_value()) == ("finished", True)  # the rq job fired it, not the poll
    assert fired_ids(runtime) == [timer_id]
    connection.close()


@pytest.mark.redis
def test_with_redis_flushed_the_workers_database_poll_still_fires_the_timer(runtime, worker_env, redis_url):
    worker_env.setenv("TESSERA_REDIS_URL", redis_url)
    timer_id = _schedule(runtime, utc_now() - timedelta(seconds=1))  # never announced: no rq job exists
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert fired_ids(runtime) == [timer_id]


def test_without_redis_the_served_app_ticks_timers_in_a_background_thread(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "TIMER_POLL_SECONDS": 1},
                     plugins=[PingTimers()])
    runtime = app.extensions["tessera"]
    stop = timer_jobs.start_ticker_without_redis(app)
    try:
        timer_id = _schedule(runtime, utc_now())
        deadline = time.monotonic() + 5
        while not fired_ids(runtime) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fired_ids(runtime) == [timer_id]
    finally:
        stop.set()
        runtime.dispose()


def test_with_redis_the_served_app_leaves_timers_to_the_workers(database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        assert timer_jobs.start_ticker_without_redis(app) is None
        assert isinstance(app.extensions["tessera"].timers.announce, timer_jobs.RqTimerAnnouncer)
    finally:
        app.extensions["tessera"].dispose()


def test_a_tick_that_cannot_reach_the_database_is_logged_and_the_poll_goes_on(tmp_path, caplog):
    runtime = Runtime(f"sqlite:///{tmp_path / 'no-tables.db'}")  # no timer table: every tick fails
    try:
        assert timer_jobs.tick(runtime) == 0
    finally:
        runtime.dispose()
    assert "could not fire the due timers" in caplog.text


def test_the_timer_settings_shape_the_apps_and_the_workers_retry_policy(database_url):
    settings = {"TIMER_MAX_ATTEMPTS": 2, "TIMER_RETRY_SECONDS": 7}
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **settings})
    worker = timer_jobs.settings_runtime(load_settings({"DATABASE_URL": database_url, **settings}))
    try:
        for runtime in (app.extensions["tessera"], worker):
            assert (runtime.timers.policy.max_attempts, runtime.timers.policy.retry_seconds) == (2, 7)
    finally:
        app.extensions["tessera"].dispose()
        worker.dispose()


def test_when_redis_does_not_answer_the_schedule_commits_and_the_poll_fires_it(runtime):
    runtime.timers.register("ping", mark_fired)
    runtime.timers.announce = timer_jobs.RqTimerAnnouncer("redis://127.0.0.1:1/0")  # nothing listens there
    timer_id = _schedule(runtime, utc_now())
    assert timer_row(runtime, timer_id)["status"] == "scheduled"
    assert runtime.timers.run_due() == 1 and fired_ids(runtime) == [timer_id]


def test_tessera_worker_creates_the_timer_table_of_a_database_that_lacks_it(tmp_path, worker_env):
    worker_env.setenv("TESSERA_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    result = CliRunner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "could not fire" not in result.output
    runtime = Runtime(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        assert runtime.timers.run_due() == 0
    finally:
        runtime.dispose()
