"""Outbox dispatch to webhooks: events delivered per second to a local receiver, and the
cost a record write pays for webhooks being subscribed.

1. ``--events`` records are created, then each is updated once with one webhook subscribed
   to ``record.updated``; then one worker process, and then ``--dispatchers`` worker
   processes (forked, a Runtime each, as ``tessera worker`` processes have), hand out and
   deliver (``runtime.events.dispatch()``) every update event to a receiver on 127.0.0.1
   (a threaded http.server in the parent answering 200 at once), signed as in production;
   the run checks every event arrived exactly once.
2. Record updates, one transaction each, are timed in two databases written in turn, one
   with no webhook and one with ``--webhooks`` active webhooks on the object's updates; the
   ratio of the medians is the write path's overhead (the write only appends its outbox row;
   subscribers are found when the event is handed out).

    .venv/bin/python bench/webhooks.py --database both --events 2000 --webhooks 5
    .venv/bin/python bench/webhooks.py --database postgresql --events 10000 --dispatchers 4   # issue 13's figure

Target (issue 13): record updates with 5 active webhooks within 10 % of none.
"""

import multiprocessing
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import (argument_parser, backends, median, new_runtime, opportunity_payload, publish_crm,
                    scratch_database, verdict)
from tessera.runtime import Runtime
from tessera.runtime.events.webhooks import WebhookOptions

SECRET = "bench-secret-0123456789"
ALLOW = WebhookOptions(allow_hosts=frozenset({"127.0.0.1"}), timeout=5.0)


class _Receiver:
    def __init__(self):
        self.keys, self.lock = [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self):  # noqa: N802 - the http.server name
                self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.keys.append(self.headers["Idempotency-Key"])
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _webhook(name, url, events=("record.created",)):
    return {"kind": "webhook", "name": name, "object": "opportunity", "events": list(events), "url": url,
            "secret": SECRET}


def _prepare(url, webhooks, receiver_url, events=("record.created",)):
    runtime, ctx = new_runtime(url)
    runtime.dispose()
    runtime = Runtime(url, webhook_options=ALLOW)
    accounts = publish_crm(runtime, ctx)
    for n in range(webhooks):
        runtime.metadata.save(ctx, "webhook", f"hook{n}", _webhook(f"hook{n}", receiver_url, events))
    if webhooks:
        runtime.metadata.publish(ctx)
    runtime.events.dispatch()  # the setup's own events
    return runtime, ctx, accounts


def _worker(url, counts):
    """One worker process: its own Runtime, delivering until nothing is left."""
    runtime = Runtime(url, webhook_options=ALLOW)
    try:
        counts.put(runtime.events.dispatch())
    finally:
        runtime.dispose()


def _dispatch_rate(backend, args, receiver, workers):
    """Events per second ``workers`` processes deliver: one ``record.updated`` event per record."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx, accounts = _prepare(url, 1, receiver.url, events=("record.updated",))
        ids = runtime.records.create_many(ctx, "opportunity", [opportunity_payload(i, accounts)
                                                               for i in range(args.events)])
        runtime.events.dispatch()  # the creations: no subscriber, handed out at once
        for record_id in ids:
            runtime.records.update(ctx, "opportunity", record_id, {"next_step": "call back"})
        runtime.dispose()
        receiver.keys.clear()
        fork = multiprocessing.get_context("fork")
        counts = fork.Queue()
        processes = [fork.Process(target=_worker, args=(url, counts)) for _ in range(workers)]
        started = time.perf_counter()
        for process in processes:
            process.start()
        delivered = sum(counts.get() for _ in processes)
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started
    assert delivered == args.events and len(set(receiver.keys)) == len(receiver.keys) == args.events
    return args.events / elapsed


def _write_seconds(backend, args, receiver):
    """Median seconds of one record update without webhooks and with ``--webhooks`` (on
    ``record.updated``), the two databases written in turn so that both see the same load."""
    with scratch_database(backend, args.postgres_url) as bare, scratch_database(backend, args.postgres_url) as hooked:
        sides = [_prepare(bare, 0, receiver.url), _prepare(hooked, args.webhooks, receiver.url, ("record.updated",))]
        ids = [runtime.records.create_many(ctx, "opportunity", [opportunity_payload(i, accounts)
                                                                for i in range(args.writes)])
               for runtime, ctx, accounts in sides]
        times = ([], [])
        for i in range(args.writes):
            for (runtime, ctx, _), made, spent in zip(sides, ids, times):
                started = time.perf_counter()
                runtime.records.update(ctx, "opportunity", made[i], {"next_step": f"call back {i}"})
                spent.append(time.perf_counter() - started)
        for runtime, _, _ in sides:
            runtime.dispose()
    return median(times[0]), median(times[1])


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--webhooks", type=int, default=5)
    parser.add_argument("--dispatchers", type=int, default=4)
    args = parser.parse_args()
    receiver = _Receiver()
    try:
        for backend in backends(args):
            for dispatchers in (1, args.dispatchers):
                rate = median([_dispatch_rate(backend, args, receiver, dispatchers) for _ in range(args.repeat)])
                print(f"{backend:10} dispatch: {rate:8.0f} events/s delivered ({args.events} record updates, "
                      f"1 webhook, {dispatchers} worker process(es), each exactly once)")
            pairs = [_write_seconds(backend, args, receiver) for _ in range(args.repeat)]
            none, some = median([p[0] for p in pairs]), median([p[1] for p in pairs])
            ratio = some / none
            print(f"{backend:10} record update: {none * 1000:.3f} ms with no webhook, {some * 1000:.3f} ms with "
                  f"{args.webhooks}: ratio {ratio:.3f} {verdict(ratio <= 1.10)} (target <= 1.10)")
    finally:
        receiver.close()


if __name__ == "__main__":
    main()
