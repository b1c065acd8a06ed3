"""Automation rules on the write path, and after-commit rules run by the dispatcher.

Write path: the median record update (``runtime.records.update``) with no automation rule,
with ``--rules`` before-commit rules on the object whose conditions do not hold (what
every write pays for the lifecycle hooks and the rules' triggers and conditions), and with
one before-commit rule that updates the record (a second write in the same transaction).
The three databases are written in turn so they see the same load on the machine.
After commit: record updates each triggering one after-commit field_update rule, run by
``runtime.events.dispatch()`` (rules per second, one dispatcher), each exactly once; the
rule's own update is an event it is handed too (its condition then fails), so the
dispatcher hands out twice as many deliveries as the rule acts.
"""

import time

from sqlalchemy import func, select

from common import (argument_parser, backends, median, new_runtime, opportunity_payload, publish_crm,
                    publish_documents, scratch_database, verdict)
from tessera.runtime.schema.system_tables import audit_log


def _rule(name, condition, timing="before_commit"):
    return {"kind": "automation", "name": name, "object": "opportunity", "trigger": "updated",
            "condition": condition, "timing": timing,
            "actions": [{"field_update": {"fields": {"next_step": '"Follow up: " & title'}}}]}


def _prepare(url, rules, records):
    runtime, ctx = new_runtime(url)
    accounts = publish_crm(runtime, ctx)
    if rules:
        publish_documents(runtime, rules)
    ids = runtime.records.create_many(ctx, "opportunity", [opportunity_payload(i, accounts) for i in range(records)])
    runtime.events.dispatch()
    return runtime, ctx, ids


def _write_seconds(backend, args):
    idle = [_rule(f"idle{n}", f"amount < -{n + 1}") for n in range(args.rules)]
    active = [_rule("follow_up", "ISCHANGED(amount)")]
    with scratch_database(backend, args.postgres_url) as a, scratch_database(backend, args.postgres_url) as b, \
            scratch_database(backend, args.postgres_url) as c:
        sides = [_prepare(a, [], args.writes), _prepare(b, idle, args.writes), _prepare(c, active, args.writes)]
        times = ([], [], [])
        for i in range(args.writes):
            for (runtime, ctx, ids), spent in zip(sides, times):
                started = time.perf_counter()
                runtime.records.update(ctx, "opportunity", ids[i], {"amount": str(200 + i)})
                spent.append(time.perf_counter() - started)
        for runtime, _, _ in sides:
            runtime.dispose()
    return [median(t) for t in times]


def _after_commit_rate(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx, ids = _prepare(url, [_rule("follow_up", "ISCHANGED(amount)", "after_commit")], args.events)
        for record_id in ids:
            runtime.records.update(ctx, "opportunity", record_id, {"amount": "123.00"})
        started = time.perf_counter()
        while runtime.events.counts()["pending"]:  # a hand-out may yield to another process's (one lock per server)
            runtime.events.dispatch()
        elapsed = time.perf_counter() - started
        with runtime.read() as conn:
            table = runtime.model(conn).objects["opportunity"].table
            followed = conn.execute(select(func.count()).where(table.c.next_step.like("Follow up:%"))).scalar_one()
            runs = conn.execute(select(func.count()).where(audit_log.c.event == "automation.action")).scalar_one()
        runtime.dispose()
    assert followed == runs == args.events, (followed, runs)
    return args.events / elapsed


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--rules", type=int, default=5)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    for backend in backends(args):
        runs = [_write_seconds(backend, args) for _ in range(args.repeat)]
        none, idle, active = (median([r[k] for r in runs]) for k in range(3))
        print(f"{backend:10} record update: {none * 1000:.3f} ms with no rule, {idle * 1000:.3f} ms with "
              f"{args.rules} idle before-commit rules (ratio {idle / none:.3f} {verdict(idle / none <= 1.10)}, "
              f"target <= 1.10), {active * 1000:.3f} ms with one rule updating the record (ratio {active / none:.3f})")
        rate = median([_after_commit_rate(backend, args) for _ in range(args.repeat)])
        print(f"{backend:10} after commit: {rate:8.0f} rules/s run by one dispatcher ({args.events} events, "
              f"each exactly once)")


if __name__ == "__main__":
    main()
