"""Several runners on one database (threads with their own Runtime, as worker processes
have) fire every due timer exactly once between them."""

import threading
import time
from datetime import timedelta

from tessera.runtime import Runtime
from tessera.runtime.clock import utc_now
from tessera.runtime.events.timer_runner import TimerPolicy
from tests.events.support import fired_ids, mark_fired

TIMERS = 300
RUNNERS = 4


def _recording(calls):
    """A handler noting every call (a second call for one timer would show) and its database trace."""
    lock = threading.Lock()

    def handler(runtime, conn, timer):
        with lock:
            calls.append(timer.id)
        mark_fired(runtime, conn, timer)
    return handler


def _in_parallel(database_url, work, count=RUNNERS):
    """Run ``work(runtime)`` in ``count`` threads at once, each with its own Runtime; return results, errors."""
    results, errors, start = [], [], threading.Event()
    calls = []

    def run():
        runtime = Runtime(database_url, timer_handlers={"ping": _recording(calls)}, timer_policy=TimerPolicy(batch=7))
        try:
            start.wait()
            results.append(work(runtime))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            runtime.dispose()
    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)  # every runtime built, waiting for the start
    start.set()
    for thread in threads:
        thread.join(60)
    return results, errors, calls


def _schedule_due(runtime, count):
    due = utc_now() - timedelta(seconds=1)
    with runtime.write() as conn:
        return [runtime.timers.schedule(conn, "ping", due, subject_type="test", subject_id=n) for n in range(count)]


def test_parallel_runners_fire_each_due_timer_exactly_once(runtime, database_url):
    ids = _schedule_due(runtime, TIMERS)
    fired_by, errors, calls = _in_parallel(database_url, lambda rt: rt.timers.run_due())
    assert errors == []
    assert sorted(calls) == ids and sum(fired_by) == TIMERS
    assert fired_ids(runtime) == ids


def test_one_timer_fired_by_its_rq_job_and_several_polls_at_once_fires_once(runtime, database_url):
    (timer_id,) = _schedule_due(runtime, 1)
    results, errors, calls = _in_parallel(database_url, lambda rt: rt.timers.fire(timer_id), count=6)
    assert errors == []
    assert sorted(results) == [False] * 5 + [True] and calls == [timer_id]
