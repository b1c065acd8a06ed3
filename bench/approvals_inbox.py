"""The approval inbox at 10k and 100k pending requests, and approve throughput in process.

Builds a quote object and a one-step flow, then bulk-inserts pending requests with one
work item each, spread over 100 approvers; one approver always holds 200 of them. Times
``runtime.approvals.inbox`` (first page and a page after a cursor, limit 50) for that
approver at each total, then approves requests one by one through
``runtime.approvals.approve`` (each a full transition: claim, decision, events, answer).

    .venv/bin/python bench/approvals_inbox.py --database both

Target: the inbox page at 100k costs what it costs at 10k (ratio <= 1.5).
"""

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from common import argument_parser, backends, fmt_ms, median, new_runtime, publish_documents, scratch_database, timed
from tessera.runtime import Context
from tessera.runtime.approvals.tables import approval, work_item
from tessera.runtime.identity.users import create_user

QUOTE = {"kind": "object", "name": "quote", "fields": [{"name": "title", "type": "text", "required": True}]}
FLOW = {"kind": "approval_flow", "name": "bench", "object": "quote", "steps": [{"name": "one", "approvers": [
    {"field": "owner"}]}]}
APPROVERS, MINE, BATCH = 100, 200, 5000
START = datetime(2026, 1, 1)


def add_requests(runtime, approvers, first, count):
    """Insert ``count`` records and pending requests numbered from ``first``; request i's item
    goes to approver 0 for the first MINE requests, else round-robin among the others."""
    with runtime.read() as conn:
        quote = runtime.model(conn).objects["quote"].table
    for offset in range(0, count, BATCH):
        numbers = range(first + offset, first + min(offset + BATCH, count))
        with runtime.write() as conn:
            conn.execute(insert(quote), [{"id": n, "title": f"Q{n}", "owner_id": approvers[0], "created_by":
                                          approvers[0], "updated_by": approvers[0], "created_at": START,
                                          "updated_at": START, "version": 1} for n in numbers])
            conn.execute(insert(approval), [{"id": n, "flow": "bench", "flow_version": 1, "object": "quote",
                                             "record_id": n, "submitter_id": approvers[0], "status": "pending",
                                             "step": 0, "round": 1, "lock": "while_pending", "open": 1,
                                             "version": 1, "submitted_at": START} for n in numbers])
            conn.execute(insert(work_item), [{"instance_id": n, "step": 0, "round": 1, "status": "pending",
                                              "approver_id": approvers[0] if n <= MINE else
                                              approvers[1 + n % (APPROVERS - 1)],
                                              "due_at": START + timedelta(minutes=n), "created_at": START}
                                             for n in numbers])


def time_inbox(runtime, user_id, repeat):
    first = [timed(runtime.approvals.inbox, Context(user_id=user_id, username="a"), limit="50") for _ in range(repeat)]
    cursor = first[0][1]["next_cursor"]
    later = [timed(runtime.approvals.inbox, Context(user_id=user_id, username="a"), limit="50", cursor=cursor)
             for _ in range(repeat)]
    return median([t for t, _ in first]), median([t for t, _ in later])


def approve_rate(runtime, user_id, count):
    ctx = Context(user_id=user_id, username="a")
    with runtime.read() as conn:
        ids = [row.instance_id for row in conn.execute(select(work_item.c.instance_id).where(
            work_item.c.approver_id == user_id, work_item.c.status == "pending").limit(count))]
    times = [timed(runtime.approvals.approve, ctx, instance_id, {})[0] for instance_id in ids]
    return len(times) / sum(times), sorted(times)[int(len(times) * 0.99) - 1]


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, _ = new_runtime(url)
        publish_documents(runtime, [QUOTE, FLOW])
        with runtime.write() as conn:
            approvers = [create_user(conn, f"approver{i}") for i in range(APPROVERS)]
        add_requests(runtime, approvers, 1, 10_000)
        small = time_inbox(runtime, approvers[0], args.repeat)
        add_requests(runtime, approvers, 10_001, 90_000)
        if backend == "postgresql":
            with runtime.write() as conn:
                conn.exec_driver_sql("ANALYZE")
        large = time_inbox(runtime, approvers[0], args.repeat)
        rate, p99 = approve_rate(runtime, approvers[0], MINE)
        runtime.dispose()
    ratio = large[0] / small[0]
    print(f"{backend}: inbox page 1 at 10k {fmt_ms(small[0])}, at 100k {fmt_ms(large[0])} (ratio {ratio:.2f}); "
          f"after a cursor {fmt_ms(small[1])} vs {fmt_ms(large[1])}; "
          f"approve in process {rate:.0f}/s, p99 {fmt_ms(p99)}; {'PASS' if ratio <= 1.5 else 'FAIL'}")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    args = parser.parse_args()
    for backend in backends(args):
        run(backend, args)


if __name__ == "__main__":
    main()
