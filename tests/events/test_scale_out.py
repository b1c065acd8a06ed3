"""The scale-out shape of docs/deploy.md, for real: two gunicorn app processes and two
``tessera worker`` processes against one PostgreSQL and one Redis. Record writes go through
both app processes; one worker is killed with SIGKILL while it delivers and a new one is
started; every event reaches the webhook receiver, exactly once after deduplication by
its Idempotency-Key, each record's events in order, nothing left pending or dead."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict

import httpx
import pytest
import sqlalchemy as sa

from tessera.runtime import Context, Runtime
from tessera.runtime.events.tables import delivery
from tessera.runtime.events.webhooks import WebhookOptions
from tessera.runtime.identity.users import create_token, create_user
from tessera.runtime.schema.system_tables import outbox
from tests.events.conftest import OPPORTUNITY, SECRET, webhook
from tests.events.receiver import Receiver
from tests.services import REDIS

RECORDS, UPDATES = 1000, 4  # 5,000 writes: each record created, then updated four times
CLIENTS = 20  # each writes RECORDS / CLIENTS records


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url, receiver_url):
    """System tables, an administrator's token, the object and the webhook, published."""
    runtime = Runtime(url, webhook_options=WebhookOptions(allow_hosts=frozenset({"127.0.0.1"})))
    try:
        runtime.create_schema()
        with runtime.write() as conn:
            token = create_token(conn, create_user(conn, "admin", is_admin=True))
        runtime.metadata.apply(Context.cli(), [OPPORTUNITY, webhook(receiver_url)])
        runtime.metadata.publish(Context.cli())
    finally:
        runtime.dispose()
    return token


class Processes:
    """The app and worker processes of one deployment; all stopped at the end."""

    def __init__(self, env, logs):
        self.env, self.logs, self.running = env, logs, []

    def start(self, name, *args):
        log = open(self.logs / f"{name}.log", "wb")
        process = subprocess.Popen([sys.executable, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.running.append(process)
        return process

    def app(self, port):
        return self.start(f"app-{port}", "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                          "tessera.platform:create_app()")

    def worker(self, name):
        return self.start(name, "-m", "tessera.platform.cli", "worker")

    def stop(self):
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_healthy(ports, deadline):
    for port in ports:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"the app on port {port} did not start"
            time.sleep(0.2)


def write_through(ports, token, first, count, failures):
    """Create ``count`` records and update each UPDATES times, the calls spread over both apps;
    a refused call ends the thread with its answer in ``failures``."""
    try:
        _write(ports, token, first, count)
    except Exception as error:  # noqa: BLE001 - reported by the test
        failures.append(repr(error))


def _write(ports, token, first, count):
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(headers=headers, timeout=30) as client:
        for n in range(first, first + count):
            base = f"http://127.0.0.1:{ports[n % 2]}/api/v1/objects/opportunity/records"
            record = client.post(base, json={"title": f"deal {n}"})
            assert record.status_code == 201, record.text
            record = record.json()
            for step in range(UPDATES):
                base = f"http://127.0.0.1:{ports[(n + step + 1) % 2]}/api/v1/objects/opportunity/records"
                record = client.patch(f"{base}/{record['id']}", json={"version": record["version"],
                                                                      "amount": str(step + 1)})
                assert record.status_code == 200, record.text
                record = record.json()


def first_arrivals(receiver):
    """Each event once (its first arrival), in arrival order."""
    seen, firsts = set(), []
    with receiver.lock:
        requests = list(receiver.requests)
    for request in requests:
        key = request["headers"]["Idempotency-Key"]
        if key not in seen:
            seen.add(key)
            firsts.append(request)
    return firsts, requests


@pytest.mark.postgres
@pytest.mark.redis
def test_two_apps_and_two_workers_deliver_every_event_once_after_dedup_with_a_worker_killed(
        postgres_schema_url, tmp_path):
    if not REDIS.url:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    with Receiver(SECRET, hold=0.002) as receiver:
        token = prepare(postgres_schema_url, receiver.url)
        env = {**os.environ, "TESSERA_DATABASE_URL": postgres_schema_url, "TESSERA_REDIS_URL": REDIS.url,
               "TESSERA_WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "TESSERA_SECRET_KEY": "scale-out-test",
               "TESSERA_EVENT_POLL_SECONDS": "1", "TESSERA_EVENT_LEASE_SECONDS": "5"}
        processes, ports = Processes(env, tmp_path), [free_port(), free_port()]
        try:
            for port in ports:
                processes.app(port)
            victim, _ = processes.worker("worker-1"), processes.worker("worker-2")
            wait_healthy(ports, time.monotonic() + 60)
            share, failures = RECORDS // CLIENTS, []
            writers = [threading.Thread(target=write_through, args=(ports, token, i * share, share, failures))
                       for i in range(CLIENTS)]
            for writer in writers:
                writer.start()
            deadline = time.monotonic() + 300
            while len(receiver.requests) < 1500 and time.monotonic() < deadline:
                time.sleep(0.05)
            os.killpg(victim.pid, signal.SIGKILL)  # while it delivers: its leased batch is left behind
            processes.worker("worker-3")
            for writer in writers:
                writer.join()
            wanted = RECORDS * (1 + UPDATES)
            while len(first_arrivals(receiver)[0]) < wanted and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            processes.stop()
        firsts, everything = first_arrivals(receiver)

    engine = sa.create_engine(postgres_schema_url)
    with engine.connect() as conn:
        event_ids = {str(i) for i in conn.execute(sa.select(outbox.c.id).where(outbox.c.object == "opportunity"))
                     .scalars()}
        unfinished = conn.execute(sa.select(sa.func.count()).select_from(delivery)
                                  .where(delivery.c.status != "delivered")).scalar()
    engine.dispose()
    assert failures == []
    assert len(event_ids) == wanted
    assert {r["headers"]["Idempotency-Key"] for r in firsts} == event_ids  # every event, once after dedup
    assert unfinished == 0 and all(r["verified"] for r in everything)
    steps = defaultdict(list)  # per record, in arrival order: 0 for its creation, then each amount set
    for request in firsts:
        body = request["body"]
        changed = body["data"].get("changes", {}).get("amount")
        steps[body["record_id"]].append(0 if body["type"] == "record.created" else int(float(changed["new"])))
    assert len(steps) == RECORDS
    assert all(s == list(range(1 + UPDATES)) for s in steps.values())  # each record's events in order
