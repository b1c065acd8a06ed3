"""Benchmark: a list query under record-level sharing, as a rep and a manager versus as an admin.

The data: one private object (``deal``) with ``--rows`` records owned by 110 users in a
three-level role hierarchy (vp > 10 managers > 100 reps), two sharing rules that reach
the measured users (one by team, one by role) and manual shares: ``--rep-shares`` records
with the rep, half as many with their team, 5% of the rows with other users.

Two callers are measured against the administrator (who reads with no condition at all):

- the **rep** (``rep_1`` role, a leaf): their own rows, what the rules open, what was shared;
- the **manager** of that rep (``manager_1`` role, above ten reps): the same kinds of rows
  plus every row owned by a holder of a role below theirs, so the role-hierarchy subquery
  runs.

Each query runs through ``RecordService.list`` (the same path as the API) and is timed
``--runs`` times after a warm-up, the three callers interleaved; the medians, each
caller's ratio to the administrator and a verdict against the target are printed.

Target (bench/README.md): each caller's median is at most 2x the administrator's.

    .venv/bin/python bench/sharing_list.py --rows 1000000 \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Without ``--postgres`` the URL comes from TESSERA_BENCH_POSTGRES_URL or
TESSERA_TEST_POSTGRES_URL; ``--no-postgres`` runs SQLite only.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.schema import CreateSchema, DropSchema

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tessera.metadata import store  # noqa: E402
from tessera.runtime import Context, Runtime  # noqa: E402
from tessera.runtime.publish import service as publishing
from tessera.runtime.identity.assignments import update_user  # noqa: E402
from tessera.runtime.identity.units import create_unit  # noqa: E402
from tessera.runtime.schema.system_tables import record_share  # noqa: E402
from tessera.runtime.identity.users import create_user  # noqa: E402
from tessera.runtime.identity.principal import context_for_user  # noqa: E402

REGIONS = [f"R{n:02d}" for n in range(1, 21)]
STAGES = ["Prospecting", "Qualification", "Negotiation", "Won", "Lost"]
MANAGERS, REPS_PER_MANAGER = 10, 10
BATCH = 10000

DEAL = {"kind": "object", "name": "deal", "sharing": "private", "fields": [
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "region", "type": "picklist", "options": REGIONS},
    {"name": "stage", "type": "picklist", "options": STAGES},
]}
REP_SET = {"kind": "permission_set", "name": "rep", "objects": {"deal": {"create": True, "read": True, "edit": True}}}
RULES = [
    {"kind": "sharing_rule", "name": "r01_to_team_one", "object": "deal", "criteria": 'region = "R01"',
     "access": "read", "share_with": {"team": "team_1"}},
    {"kind": "sharing_rule", "name": "big_deals_to_reps", "object": "deal", "criteria": "amount > 99000",
     "access": "edit", "share_with": {"role": "rep_1"}},
]
TARGET = 2.0  # a caller's median over the administrator's
QUERIES = {
    "first page by id": {},
    "stage=Won sorted by -amount": {"filters": {"stage": "Won"}, "sort": "-amount"},
}


def publish_model(runtime):
    with runtime.write() as conn:
        for doc in [DEAL, REP_SET, *RULES]:
            store.save_draft(conn, doc["kind"], doc["name"], doc, "bench")
        publishing.publish(conn, runtime.model(conn), Context.cli())


def build_directory(runtime, admin):
    """vp > manager_k > rep_k roles; team_k per manager; return the user ids of every owner."""
    owners = []
    with runtime.write() as conn:
        create_unit(conn, "role", "vp")
        for m in range(1, MANAGERS + 1):
            create_unit(conn, "role", f"manager_{m}", parent="vp")
            create_unit(conn, "role", f"rep_{m}", parent=f"manager_{m}")
            create_unit(conn, "team", f"team_{m}")
            manager = create_user(conn, f"manager{m}")
            update_user(conn, admin, manager, {"roles": [f"manager_{m}"], "team": f"team_{m}", "permission_sets": ["rep"]})
            owners.append(manager)
            for r in range(1, REPS_PER_MANAGER + 1):
                rep = create_user(conn, f"rep{m}_{r}")
                update_user(conn, admin, rep, {"roles": [f"rep_{m}"], "team": f"team_{m}", "permission_sets": ["rep"]})
                owners.append(rep)
    return owners


def load_rows(runtime, owners, rows):
    rng, start = random.Random(42), datetime(2025, 1, 1)
    with runtime.read() as conn:
        table = runtime.model(conn).objects["deal"].table
    for offset in range(0, rows, BATCH):
        batch = []
        for n in range(offset, min(rows, offset + BATCH)):
            owner, when = rng.choice(owners), start + timedelta(minutes=n)
            batch.append({"owner_id": owner, "created_by": owner, "created_at": when, "updated_by": owner,
                          "updated_at": when, "version": 1, "title": f"deal {n}",
                          "amount": Decimal(rng.randrange(100, 10_000_000)) / 100,
                          "region": rng.choice(REGIONS), "stage": rng.choice(STAGES)})
        with runtime.write() as conn:
            conn.execute(sa.insert(table), batch)


def add_shares(runtime, rows, rep_id, owners, rep_shares):
    """``rep_shares`` rows shared with the rep, half as many with their team, 5% with other users."""
    rng, now, shares = random.Random(7), datetime(2025, 6, 1), []
    for record_id in rng.sample(range(1, rows + 1), k=min(rows, rep_shares)):
        shares.append(("user", rep_id, record_id))
    for record_id in rng.sample(range(1, rows + 1), k=min(rows, max(1, rep_shares // 2))):
        shares.append(("team", 1, record_id))
    for record_id in rng.sample(range(1, rows + 1), k=max(1, rows // 20)):
        shares.append(("user", rng.choice(owners), record_id))
    seen, values = set(), []
    for kind, grantee, record_id in shares:
        if (kind, grantee, record_id) not in seen:
            seen.add((kind, grantee, record_id))
            values.append({"object": "deal", "record_id": record_id, "grantee_type": kind, "grantee_id": grantee,
                           "access": "read", "created_by": rep_id, "created_at": now})
    with runtime.write() as conn:
        for offset in range(0, len(values), BATCH):
            conn.execute(sa.insert(record_share), values[offset:offset + BATCH])


def analyze(runtime):
    """Bring the tables to the state autovacuum keeps them in: statistics, and on PostgreSQL a
    visibility map (without it no index-only scan of the share index is possible)."""
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return
    with runtime.write() as conn:
        conn.execute(sa.text("ANALYZE"))


def prepare(url, rows, rep_shares=1000):
    """A runtime on ``url`` with the data set loaded; return (runtime, admin, {caller: ctx}).

    The callers are the rep ``rep1_1`` (a leaf role) and their manager ``manager1``.
    """
    runtime = Runtime(url)
    runtime.create_schema()
    with runtime.write() as conn:
        admin_id = create_user(conn, "admin", is_admin=True)
    admin = Context(user_id=admin_id, username="admin", is_admin=True)
    publish_model(runtime)
    owners = build_directory(runtime, admin)
    started = time.perf_counter()
    load_rows(runtime, owners, rows)
    manager_id, rep_id = owners[0], owners[1]
    add_shares(runtime, rows, rep_id, owners, rep_shares)
    analyze(runtime)
    print(f"  loaded {rows} rows in {time.perf_counter() - started:.1f}s", flush=True)
    with runtime.read() as conn:
        model = runtime.model(conn)
        callers = {"rep": context_for_user(conn, model, rep_id),
                   "manager": context_for_user(conn, model, manager_id)}
    if callers["rep"].reach.subordinate_role_ids or not callers["manager"].reach.subordinate_role_ids:
        raise RuntimeError("the rep must hold a leaf role and the manager a role with roles below")
    return runtime, admin, callers


def _timed(runtime, ctx, query):
    started = time.perf_counter()
    runtime.records.list(ctx, "deal", **query)
    return (time.perf_counter() - started) * 1000


def medians_ms(runtime, contexts, query, runs):
    """Median time of ``query`` per caller ({name: ctx}), runs interleaved so all see the same noise."""
    for ctx in contexts.values():
        runtime.records.list(ctx, "deal", **query)
    times = {name: [] for name in contexts}
    for _ in range(runs):
        for name, ctx in contexts.items():
            times[name].append(_timed(runtime, ctx, query))
    return {name: statistics.median(values) for name, values in times.items()}


def visible_share(runtime, ctx, rows):
    with runtime.read() as conn:
        _, obj = runtime.object_for(conn, "deal")
        condition = runtime.access.row_filter(ctx, obj, conn)
        count = conn.execute(sa.select(sa.func.count()).select_from(obj.table).where(condition)).scalar_one()
    return count / rows


def verdict(ratio):
    """``met`` or ``NOT MET`` against the target ratio to the administrator."""
    return "met" if ratio <= TARGET else "NOT MET"


def run(label, url, rows, runs, rep_shares):
    """Prepare the data on ``url`` and time every query; return (label, query, caller, ms, admin ms)."""
    print(f"{label}: preparing {rows} rows, {rep_shares} shared with the rep...", flush=True)
    runtime, admin, callers = prepare(url, rows, rep_shares)
    for caller, ctx in callers.items():
        print(f"  the {caller} sees {visible_share(runtime, ctx, rows):.1%} of the rows", flush=True)
    results = []
    for name, query in QUERIES.items():
        medians = medians_ms(runtime, {"admin": admin, **callers}, query, runs)
        for caller in callers:
            ratio = medians[caller] / medians["admin"]
            results.append((label, name, caller, medians[caller], medians["admin"]))
            print(f"  {name:30s} {caller:8s} {medians[caller]:8.2f} ms   admin {medians['admin']:8.2f} ms   "
                  f"{ratio:5.2f}x  {verdict(ratio)}", flush=True)
    runtime.dispose()
    return results


def postgres_schema(base_url):
    """Create a fresh schema on ``base_url``; return (url using it, cleanup function)."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(CreateSchema(schema))
    separator = "&" if "?" in base_url else "?"

    def cleanup():
        with engine.connect() as conn:
            conn.execute(DropSchema(schema, cascade=True))
        engine.dispose()

    return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}", cleanup


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="records to load (default 100000)")
    parser.add_argument("--runs", type=int, default=31, help="timed runs per query and user (default 31)")
    parser.add_argument("--postgres", default=os.environ.get("TESSERA_BENCH_POSTGRES_URL")
                        or os.environ.get("TESSERA_TEST_POSTGRES_URL"), help="PostgreSQL URL")
    parser.add_argument("--no-postgres", action="store_true", help="run on SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="run on PostgreSQL only")
    parser.add_argument("--rep-shares", type=int, default=1000,
                        help="records shared with the rep directly (half as many again with their team; default 1000)")
    args = parser.parse_args(argv)
    results = []
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            results += run("SQLite", f"sqlite:///{folder}/bench.db", args.rows, args.runs, args.rep_shares)
    if args.postgres and not args.no_postgres:
        url, cleanup = postgres_schema(args.postgres)
        try:
            results += run("PostgreSQL", url, args.rows, args.runs, args.rep_shares)
        finally:
            cleanup()
    print(f"\nmedians (ms); target: each caller <= {TARGET:g}x the administrator")
    for label, name, caller, ms, admin_ms in results:
        ratio = ms / admin_ms
        print(f"  {label:10s} {name:30s} {caller:8s} {ms:8.2f}  admin {admin_ms:8.2f}  {ratio:5.2f}x  {verdict(ratio)}")
    missed = [r for r in results if r[3] / r[4] > TARGET]
    print(f"verdict: {'met' if not missed else f'NOT MET ({len(missed)} of {len(results)})'}")


if __name__ == "__main__":
    main()
