"""Several dispatchers at once never deliver one event concurrently and keep each record's
events in order; plugin listeners receive every event through the same dispatcher; a
worker (``tessera worker --burst``, with Redis and without) dispatches."""

import threading
import time
from collections import defaultdict

import pytest
from redis import Redis
from rq import Queue

from tessera.platform import create_app, hookimpl
from tessera.platform.config import load_settings
from tessera.platform.event_jobs import RqDispatchAnnouncer, start_dispatcher_without_redis
from tessera.platform.timer_jobs import run_worker_process
from tessera.runtime import Runtime
from tessera.runtime.clock import FrozenClock, naive_utc
from tessera.runtime.events import delivery_rows
from tessera.runtime.events.jobs import QUEUE_NAME, run_worker
from tessera.runtime.events.webhooks import WebhookOptions
from tests.conftest import Api
from tests.events.conftest import SECRET, SETTINGS, START, publish, webhook
from tests.events.receiver import Receiver
from tests.services import REDIS

REDIS_URL = REDIS.url


def write_records(api, records, updates):
    ids = []
    for n in range(records):
        created = api.post("/api/v1/objects/opportunity/records", json={"title": f"deal {n}"}).get_json()
        ids.append(created["id"])
        for step in range(updates):
            created = api.patch(f"/api/v1/objects/opportunity/records/{created['id']}",
                                json={"version": created["version"], "amount": str(step + 1)}).get_json()
    return ids


def test_two_dispatchers_never_deliver_an_event_twice_and_keep_each_records_order(hooks_api, database_url):
    with Receiver(SECRET, hold=0.005) as receiver:
        publish(hooks_api, webhook(receiver.url))
        write_records(hooks_api, 20, 2)
        runtimes = [Runtime(database_url, webhook_options=WebhookOptions(allow_hosts=frozenset({"127.0.0.1"})))
                    for _ in range(2)]
        start = threading.Barrier(2)

        def run(runtime):
            start.wait()
            runtime.events.dispatch()

        threads = [threading.Thread(target=run, args=(runtime,)) for runtime in runtimes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for runtime in runtimes:
            runtime.dispose()
    keys = receiver.keys()
    assert len(keys) == 60 and len(set(keys)) == 60
    assert receiver.most_in_flight_per_event == 1
    per_record = defaultdict(list)
    for request in receiver.requests:
        per_record[request["body"]["record_id"]].append(request["body"]["id"])
    assert len(per_record) == 20 and all(ids == sorted(ids) for ids in per_record.values())


class Recorder:
    """A plugin whose listener records each event and fails the first time it sees each."""

    def __init__(self):
        self.seen, self.failed = [], set()

    @hookimpl
    def tessera_register_event_listeners(self):
        return {"recorder": self.listen}

    def listen(self, runtime, event):
        if event.id not in self.failed:
            self.failed.add(event.id)
            raise RuntimeError("not yet")
        self.seen.append((event.type, event.object, event.record_id))


def test_a_plugin_listener_gets_every_event_and_its_failures_are_retried(database_url, hooks):
    plugin = Recorder()
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **SETTINGS}, plugins=[plugin])
    try:
        api, runtime = Api(app.test_client(), hooks["admin_token"]), app.extensions["tessera"]
        runtime.clock = FrozenClock(START)
        [record_id] = write_records(api, 1, 1)
        assert runtime.events.dispatch() == 0  # the publish and the creation fail; the update waits
        runtime.clock.advance(seconds=30)
        assert runtime.events.dispatch() == 2  # ... and then the update fails once
        runtime.clock.advance(seconds=30)
        assert runtime.events.dispatch() == 1
    finally:
        app.extensions["tessera"].dispose()
    assert plugin.seen == [("metadata.published", None, None), ("record.created", "opportunity", record_id),
                           ("record.updated", "opportunity", record_id)]


def test_without_redis_a_burst_worker_delivers_the_due_events(hooks_api, database_url):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        write_records(hooks_api, 3, 0)
        run_worker_process(load_settings({"DATABASE_URL": database_url, "REDIS_URL": None, **SETTINGS}), burst=True)
    assert sorted(r["body"]["type"] for r in receiver.requests) == ["record.created"] * 3


@pytest.mark.redis
def test_with_redis_a_dispatch_is_an_rq_job_a_worker_runs(hooks_api, database_url, monkeypatch):
    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    for name, value in {"DATABASE_URL": database_url, **SETTINGS}.items():
        monkeypatch.setenv(f"TESSERA_{name}", str(value))
    try:
        with Receiver(SECRET) as receiver:
            publish(hooks_api, webhook(receiver.url))
            write_records(hooks_api, 2, 0)
            RqDispatchAnnouncer(REDIS_URL)()
            assert Queue(QUEUE_NAME, connection=connection).count == 1
            run_worker(REDIS_URL, burst=True)
        assert sorted(r["body"]["type"] for r in receiver.requests) == ["record.created"] * 2
    finally:
        connection.flushdb()
        connection.close()


def test_without_redis_the_apps_own_thread_delivers_and_a_stopped_thread_does_not(hooks_app, hooks_api):
    hooks_app.config["EVENT_POLL_SECONDS"] = 0.05
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        stop = start_dispatcher_without_redis(hooks_app)
        try:
            write_records(hooks_api, 2, 0)
            deadline = time.monotonic() + 10
            while len(receiver.requests) < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            stop.set()
        assert len(receiver.requests) == 2
        time.sleep(0.2)  # a tick under way ends
        write_records(hooks_api, 1, 0)
        time.sleep(0.2)
    assert len(receiver.requests) == 2
    hooks_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    assert start_dispatcher_without_redis(hooks_app) is None


def test_a_dispatcher_that_dies_holding_a_batch_leaves_it_to_another_after_the_lease(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        write_records(hooks_api, 3, 0)
        with rt.write() as conn:  # a dispatcher hands out and claims, then its process dies
            delivery_rows.hand_out(rt, conn, [rt.webhooks], naive_utc(rt.clock()), 100)
        with rt.write() as conn:
            _, claimed = delivery_rows.claim(conn, naive_utc(rt.clock()), rt.events.policy)
        assert len(claimed) == 3
        assert rt.events.dispatch() == 0 and receiver.requests == []
        rt.clock.advance(seconds=rt.events.policy.lease_seconds)
        assert rt.events.dispatch() == 3
    assert sorted(receiver.keys()) == sorted(str(row["event_id"]) for row, _ in claimed)
