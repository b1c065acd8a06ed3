"""Sustained approve throughput over HTTP: ``gunicorn -w 2`` on Tessera, client threads approving.

Bulk-inserts ``--requests`` pending requests of a one-step flow, their work items spread
over ``--clients`` approvers, then starts ``gunicorn -w 2 'tessera.platform:create_app()'``
and lets one thread per approver POST ``/api/v1/approvals/{id}/approve`` for each of its
requests, one after another (each a full transition: claim, decision, history, events,
the answer). Prints decisions per second and the p50 / p99 latency, and checks every
answer was 200 with the request approved.

    .venv/bin/python bench/approvals_throughput.py --database postgresql
    .venv/bin/python bench/approvals_throughput.py --database postgresql --show-sql   # one approve's SQL
"""

import json
import statistics
import tempfile
import threading
import time
import urllib.request
from datetime import timedelta

from sqlalchemy import event, insert

from approvals_inbox import FLOW, QUOTE, START
from common import argument_parser, backends, new_runtime, new_token, publish_documents, scratch_database
from get_by_id import Server
from tessera.runtime.approvals.tables import approval, work_item
from tessera.runtime.identity.users import create_user


def prepare(url, clients, count):
    """Fill the database; return {approver token: [request ids]}."""
    runtime, ctx = new_runtime(url)
    try:
        publish_documents(runtime, [QUOTE, FLOW])
        with runtime.write() as conn:
            people = [create_user(conn, f"approver{i}") for i in range(clients)]
            quote = runtime.model(conn).objects["quote"].table
            numbers = range(1, count + 1)
            conn.execute(insert(quote), [{"id": n, "title": f"Q{n}", "owner_id": ctx.user_id, "created_by": ctx.user_id,
                                          "updated_by": ctx.user_id, "created_at": START, "updated_at": START,
                                          "version": 1} for n in numbers])
            conn.execute(insert(approval), [{"id": n, "flow": "bench", "flow_version": 1, "object": "quote",
                                             "record_id": n, "submitter_id": ctx.user_id, "status": "pending",
                                             "step": 0, "round": 1, "lock": "while_pending", "open": 1,
                                             "version": 1, "submitted_at": START} for n in numbers])
            conn.execute(insert(work_item), [{"instance_id": n, "step": 0, "round": 1, "status": "pending",
                                              "approver_id": people[n % clients], "created_at": START,
                                              "due_at": START + timedelta(hours=n)} for n in numbers])
        return {new_token(runtime, person): [n for n in numbers if n % clients == i] for i, person in enumerate(people)}
    finally:
        runtime.dispose()


def approve_all(server, token, ids, latencies, failures):
    for instance_id in ids:
        request = urllib.request.Request(server.url(f"/api/v1/approvals/{instance_id}/approve"), data=b"{}",
                                         method="POST", headers={"Authorization": f"Bearer {token}",
                                                                 "Content-Type": "application/json"})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                body = json.loads(answer.read())
                if body["status"] != "approved":
                    failures.append(body["status"])
        except OSError as error:
            failures.append(repr(error))
        latencies.append(time.perf_counter() - started)


def show_sql(backend, args):
    """Print the SQL statements one approve runs in process, after a first one warmed the caches."""
    from tessera.platform import create_app

    with scratch_database(backend, args.postgres_url) as url:
        (token, ids), = prepare(url, 1, 2).items()
        app = create_app({"DATABASE_URL": url})
        statements = []
        event.listen(app.extensions["tessera"].engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *rest: statements.append(" ".join(statement.split())[:110]))
        client = app.test_client()
        for instance_id in ids:
            statements.clear()
            answer = client.post(f"/api/v1/approvals/{instance_id}/approve", json={},
                                 headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.get_json()
        app.extensions["tessera"].dispose()
    print(f"{backend}: SQL of one approve ({len(statements)} statements):")
    for statement in statements:
        print(f"  {statement}")


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url, tempfile.TemporaryDirectory() as logdir:
        work = prepare(url, args.clients, args.requests)
        server = Server("tessera", "tessera.platform:create_app()", {"TESSERA_DATABASE_URL": url}, 2, logdir)
        try:
            server.wait_ready("/api/v1/health")
            latencies, failures = [], []
            threads = [threading.Thread(target=approve_all, args=(server, token, ids, latencies, failures))
                       for token, ids in work.items()]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.stop()
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"{backend}: {len(latencies)} approvals by {args.clients} clients, gunicorn -w 2: "
          f"{len(latencies) / elapsed:.0f} decisions/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms; failures: {len(failures)} {failures[:3]}")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="approvers approving at once")
    parser.add_argument("--requests", type=int, default=2000, help="pending requests to approve")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one approve instead")
    args = parser.parse_args()
    for backend in backends(args):
        (show_sql if args.show_sql else run)(backend, args)


if __name__ == "__main__":
    main()
