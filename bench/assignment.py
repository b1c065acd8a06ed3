"""Assignment rules on the write path: what choosing an owner adds to a record create.

Four databases, each with the benchmark CRM, a team of five reps and ``--rows``
opportunities spread over them, differ in one published rule on opportunity:

- ``none``: no rule (the creator owns the record);
- ``round_robin``: ``{"round_robin": {"team": "inside"}}`` (the turn row locked and updated);
- ``least_loaded``: ``{"least_loaded": {"team": "inside", "open": "stage <> \\"Won\\" && ..."}}``
  (one grouped count over the reps' open records);
- ``pool``: ``{"pool": "inside_pool"}`` (the pool row and a read share per member written).

Single record creates (one transaction each) are timed with the databases written in turn,
so every side sees the same load on the machine; medians are reported with each side's
ratio to ``none``. A batch of 1000 through ``create_many`` with the round-robin rule is
timed against the same batch with no rule.

    .venv/bin/python bench/assignment.py --database both
    .venv/bin/python bench/assignment.py --database both --rows 100000 --writes 500

Target: one create with a round-robin or pool rule at most 2x one with no rule (the rule adds
four short statements to the eight or so of a create: the team's members, the turn locked by
one upsert, the turn written, the audit entry; a pool writes its row and shares instead of
the turn); a batch of 1000 at most 2x (members, turn and audit are once per batch). Least
loaded is reported: its grouped count grows with the members' open records.
"""

import time

from sqlalchemy import select, update

from common import (argument_parser, backends, fill_opportunities, median, new_runtime, opportunity_payload,
                    publish_crm, publish_documents, scratch_database, verdict)
from tessera.runtime.identity.units import create_unit
from tessera.runtime.identity.users import create_user
from tessera.runtime.schema.system_tables import user

OPEN = 'stage <> "Won" && stage <> "Lost"'
RULES = {
    "none": None,
    "round_robin": {"round_robin": {"team": "inside"}},
    "least_loaded": {"least_loaded": {"team": "inside", "open": OPEN}},
    "pool": {"pool": "inside_pool"},
}
POOL = {"kind": "lead_pool", "name": "inside_pool", "object": "opportunity", "members": [{"team": "inside"}]}


def _prepare(url, assign, rows):
    runtime, ctx = new_runtime(url)
    accounts = publish_crm(runtime, ctx)
    with runtime.write() as conn:
        team_id = create_unit(conn, "team", "inside")["id"]
        reps = [create_user(conn, f"rep{n}") for n in range(5)]
        conn.execute(update(user).where(user.c.id.in_(reps)).values(team_id=team_id))
    with runtime.read() as conn:
        table = runtime.model(conn).objects["opportunity"].table.name
    for n, rep in enumerate(reps):
        fill_opportunities(runtime, table, rows // len(reps), 1 + n * (rows // len(reps)), accounts[0], rep)
    if assign is not None:
        doc = {"kind": "assignment_rule", "name": "bench_rule", "object": "opportunity", "assign": assign}
        publish_documents(runtime, [POOL, doc] if "pool" in assign else [doc])
    return runtime, ctx, accounts


def _create_seconds(sides, writes):
    times = {name: [] for name in sides}
    for i in range(writes):
        for name, (runtime, ctx, accounts) in sides.items():
            started = time.perf_counter()
            runtime.records.create(ctx, "opportunity", opportunity_payload(i, accounts))
            times[name].append(time.perf_counter() - started)
    return {name: median(spent) for name, spent in times.items()}


def _batch_seconds(sides, repeat):
    times = {name: [] for name in ("none", "round_robin")}
    for r in range(repeat):
        for name in times:
            runtime, ctx, accounts = sides[name]
            batch = [opportunity_payload(r * 1000 + i, accounts) for i in range(1000)]
            started = time.perf_counter()
            runtime.records.create_many(ctx, "opportunity", batch)
            times[name].append(time.perf_counter() - started)
    return {name: median(spent) for name, spent in times.items()}


def _check_round_robin(runtime):
    with runtime.read() as conn:
        table = runtime.model(conn).objects["opportunity"].table
        owners = conn.execute(select(table.c.owner_id).order_by(table.c.id.desc()).limit(10)).scalars().all()
    assert len(set(owners)) == 5, owners


def run(backend, args):
    names = list(RULES)
    with scratch_database(backend, args.postgres_url) as a, scratch_database(backend, args.postgres_url) as b, \
            scratch_database(backend, args.postgres_url) as c, scratch_database(backend, args.postgres_url) as d:
        sides = {name: _prepare(url, RULES[name], args.rows) for name, url in zip(names, (a, b, c, d))}
        try:
            single = _create_seconds(sides, args.writes)
            batch = _batch_seconds(sides, args.repeat)
            _check_round_robin(sides["round_robin"][0])
        finally:
            for runtime, _, _ in sides.values():
                runtime.dispose()
    return single, batch


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000, help="existing opportunities, spread over the 5 reps")
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    for backend in backends(args):
        single, batch = run(backend, args)
        base = single["none"]
        for name, seconds in single.items():
            ratio = seconds / base
            target = "" if name in ("none", "least_loaded") else f" {verdict(ratio <= 2.0)} (target <= 2)"
            print(f"{backend:10} create, {name:12}: {seconds * 1000:7.3f} ms  ratio {ratio:.2f}{target}")
        ratio = batch["round_robin"] / batch["none"]
        print(f"{backend:10} create_many(1000): {batch['none'] * 1000:.1f} ms with no rule, "
              f"{batch['round_robin'] * 1000:.1f} ms round robin: ratio {ratio:.2f} {verdict(ratio <= 2.0)} (target <= 2)")


if __name__ == "__main__":
    main()
