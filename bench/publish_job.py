"""A confirmed lossy publish of many rows as a background job: time to 202 and total time.

The opportunity table is filled with ``--rows`` rows; an admin then narrows ``title`` so
that every row's value is cut (a confirmed lossy publish recording 1 history row, 1 event
and a new version per record). Each round publishes twice, side by side on the same
table: once synchronously (``PUBLISH_JOB_ROWS`` above the row count: the HTTP request
lasts the whole migration) and once as a job (``PUBLISH_JOB_ROWS`` at its default: the
request answers 202 and the client polls ``Location`` every 100 ms until it succeeded).
Both go through the Flask test client in this process; without ``--redis`` the job runs
in a thread of the app, as it does in a web process without Redis. With ``--redis URL``
it goes to rq and a ``tessera worker --burst`` subprocess publishes it.

    .venv/bin/python bench/publish_job.py --database postgresql --rows 200000

Target: the 202 answers in well under a second, whatever the size, and the job's total
time is within 1.2x of the synchronous publish.
"""

import os
import subprocess
import sys
import time

from common import (OPPORTUNITY, ROOT, argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime,
                    new_token, publish_crm, scratch_database, verdict)
from tessera.platform import create_app

POLL_SECONDS = 0.1


def _client(url, token, job_rows, redis_url):
    config = {"DATABASE_URL": url, "PUBLISH_JOB_ROWS": job_rows, "REDIS_URL": redis_url or ""}
    app = create_app(config)
    return app, app.test_client(), {"Authorization": f"Bearer {token}"}


def _narrow(client, headers, length):
    doc = {**OPPORTUNITY, "fields": [dict(f) for f in OPPORTUNITY["fields"]]}
    doc["fields"][0]["max_length"] = length
    response = client.put("/api/v1/metadata/object/opportunity", json=doc, headers=headers)
    assert response.status_code == 200, response.get_json()


def publish_at_once(url, token, rows, length):
    """Publish a narrowing of ``title`` synchronously; return seconds of the request."""
    app, client, headers = _client(url, token, rows + 1, None)
    try:
        _narrow(client, headers, length)
        start = time.perf_counter()
        response = client.post("/api/v1/metadata/publish", json={"confirm_data_loss": True}, headers=headers)
        seconds = time.perf_counter() - start
        assert response.status_code == 200, response.get_json()
        return seconds
    finally:
        app.extensions["tessera"].dispose()


def _worker(url, redis_url):
    env = {**os.environ, "TESSERA_DATABASE_URL": url, "TESSERA_REDIS_URL": redis_url}
    tessera = os.path.join(os.path.dirname(sys.executable), "tessera")
    return subprocess.Popen([tessera, "worker", "--burst"], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def publish_as_job(url, token, length, redis_url):
    """Publish a narrowing of ``title`` as a job; return (seconds to 202, seconds to succeeded, progress seen)."""
    app, client, headers = _client(url, token, 10_000, redis_url)
    worker = None
    try:
        _narrow(client, headers, length)
        start = time.perf_counter()
        response = client.post("/api/v1/metadata/publish", json={"confirm_data_loss": True}, headers=headers)
        accepted = time.perf_counter() - start
        assert response.status_code == 202, response.get_json()
        worker = _worker(url, redis_url) if redis_url else None
        seen = []
        while True:
            body = client.get(response.headers["Location"], headers=headers).get_json()
            seen.append(f'{body["progress"]["done"]}/{body["progress"]["total"]}')
            if body["status"] in ("succeeded", "failed"):
                break
            time.sleep(POLL_SECONDS)
        total = time.perf_counter() - start
        assert body["status"] == "succeeded", body["error"]
        return accepted, total, list(dict.fromkeys(seen))
    finally:
        if worker is not None:
            worker.wait(timeout=600)
        app.extensions["tessera"].dispose()


def bench_backend(backend, args):
    """Fill the table, then alternate synchronous and job publishes; print the figures."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            account_ids = publish_crm(runtime, ctx, accounts=1)
            fill_opportunities(runtime, "obj_opportunity", args.rows, 1, account_ids[0], ctx.user_id)
            token = new_token(runtime, ctx.user_id)
        finally:
            runtime.dispose()
        where = f"rq ({args.redis})" if args.redis else "a thread of the web app"
        print(f"{backend}: confirmed narrowing of title over {args.rows} rows (every value cut); job on {where}")
        at_once, accepted, totals = [], [], []
        length = 12  # "Opportunity 1" and longer: every title is cut, each round one character more
        for round_number in range(args.repeat):
            at_once.append(publish_at_once(url, token, args.rows, length))
            first, total, seen = publish_as_job(url, token, length - 1, args.redis)
            accepted.append(first)
            totals.append(total)
            length -= 2
            print(f"  round {round_number + 1}: synchronous {fmt_ms(at_once[-1])}; job: 202 after {fmt_ms(first)}, "
                  f"succeeded after {fmt_ms(total)} (progress seen: {', '.join(seen)})", flush=True)
        ratio = median(totals) / median(at_once)
        print(f"  median: synchronous {fmt_ms(median(at_once))}; job 202 after {fmt_ms(median(accepted))}, "
              f"total {fmt_ms(median(totals))} ({ratio:.2f}x)   "
              f"target 202 < 1 s and total <= 1.2x: {verdict(median(accepted) < 1 and ratio <= 1.2)}")


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the table (full figure: 200000)")
    parser.add_argument("--redis", default=None, help="run the job on rq through this Redis URL")
    parser.set_defaults(repeat=1)
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
