"""Durable timers: how many due timers one runner and several runners fire per second.

``--timers`` timers are scheduled due, then fired by ``run_due`` with a handler that writes
one row per timer (as a real handler writes at least its own change); once by one runner,
once by ``--runners`` threads each with its own Runtime (as worker processes have). The
second count checks that every timer fired exactly once between them.

    .venv/bin/python bench/timers.py --database both --timers 5000 --runners 4

No target: the figure says how many escalations or retries a minute a worker can fire.
(On SQLite runners share one write lock, so more runners add no throughput.)
"""

import threading
import time
from datetime import timedelta

from sqlalchemy import func, insert, select

from common import argument_parser, backends, median, scratch_database
from tessera.runtime import Runtime
from tessera.runtime.clock import utc_now
from tessera.runtime.schema.system_tables import setting


def _note(_runtime, conn, timer):
    conn.execute(insert(setting).values(key=f"fired:{timer.id}", value="1"))


def _runtime(url):
    return Runtime(url, timer_handlers={"bench": _note})


def _schedule(runtime, count):
    due = utc_now() - timedelta(seconds=1)
    with runtime.write() as conn:
        for n in range(count):
            runtime.timers.schedule(conn, "bench", due, subject_type="bench", subject_id=n)


def _fire(url, runners):
    runtimes = [_runtime(url) for _ in range(runners)]
    threads = [threading.Thread(target=rt.timers.run_due) for rt in runtimes]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for runtime in runtimes:
        runtime.dispose()
    return elapsed


def _round(backend, args, runners):
    with scratch_database(backend, args.postgres_url) as url:
        runtime = _runtime(url)
        runtime.create_schema()
        _schedule(runtime, args.timers)
        elapsed = _fire(url, runners)
        with runtime.read() as conn:
            fired = conn.execute(select(func.count()).select_from(setting)).scalar_one()
        runtime.dispose()
    assert fired == args.timers, f"{fired} rows for {args.timers} timers"
    return args.timers / elapsed


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=2000)
    parser.add_argument("--runners", type=int, default=4)
    args = parser.parse_args()
    for backend in backends(args):
        for runners in (1, args.runners):
            rate = median([_round(backend, args, runners) for _ in range(args.repeat)])
            print(f"{backend:10} {runners} runner(s): {rate:8.0f} timers/s ({args.timers} timers, each fired once)")


if __name__ == "__main__":
    main()
