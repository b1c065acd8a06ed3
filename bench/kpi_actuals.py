"""KPI actuals for one quarter: the engine's grouped query vs hand-written SQL vs Python.

Builds ``--rows`` opportunities owned by 200 users (``close_date`` indexed, as an admin
marks the field KPIs date by), each split 60/40 between two users, then times, for one
quarter and every person at once:

- ``runtime.performance.actuals(kpi, ["2024-Q2"])``: the engine (model read, KPI from the
  revision cache, one grouped query);
- the same numbers by a hand-written SQL statement (what an engineer would write);
- the engine for one person only (what one rep's scorecard asks);
- fetching the rows and aggregating in Python (owner credit: the quarter's rows; split:
  the quarter's split rows joined to their deal).

for three KPIs: revenue (SUM, ``stage = "Won"``), revenue of northern accounts (a filter
through a lookup) and split revenue (SUM x share). The engine's and the hand-written
numbers are compared for equality.

    .venv/bin/python bench/kpi_actuals.py --database both
    .venv/bin/python bench/kpi_actuals.py --database both --rows 1000000

Targets: engine within 1.5x of hand-written SQL; at least 20x faster than Python.
"""

from collections import defaultdict
from decimal import Decimal

from common import (ACCOUNT, OPPORTUNITY, argument_parser, backends, fill_opportunities, fmt_ms, median,
                    new_runtime, publish_documents, scratch_database, timed, verdict)
from tessera.runtime.identity.users import create_user

PEOPLE = 200
#: The benchmark opportunity with its KPI date field indexed, as an admin marks a field many KPIs date by.
DATED_OPPORTUNITY = {**OPPORTUNITY, "fields": [
    {**f, "indexed": True} if f["name"] == "close_date" else f for f in OPPORTUNITY["fields"]]}
QUARTER = ("2024-04-01", "2024-07-01")
SPLIT = {"kind": "object", "name": "opportunity_split", "fields": [
    {"name": "opportunity", "type": "master_detail", "target": "opportunity"},
    {"name": "member", "type": "user"},
    {"name": "share", "type": "number", "scale": 2},  # percentage points: 60 = 60 %
]}
BASE = {"kind": "kpi", "object": "opportunity", "measure": "SUM(amount)", "date_field": "close_date",
        "credit": {"user_field": "owner"}}
KPIS = [
    {**BASE, "name": "revenue", "filter": 'stage = "Won"'},
    {**BASE, "name": "north_revenue", "filter": 'stage = "Won" && account.region = "North"'},
    {**BASE, "name": "split_revenue", "filter": 'stage = "Won"',
     "credit": {"split": {"object": "opportunity_split", "parent": "opportunity", "user": "member",
                          "percent": "share"}}},
]
WHERE = "o.stage = 'Won' AND o.close_date >= '{0}' AND o.close_date < '{1}'".format(*QUARTER)
HAND_SQL = {
    "revenue": f"SELECT o.owner_id, SUM(o.amount) FROM obj_opportunity o WHERE {WHERE} GROUP BY o.owner_id",
    "north_revenue": (f"SELECT o.owner_id, SUM(o.amount) FROM obj_opportunity o JOIN obj_account a "
                      f"ON a.id = o.account WHERE {WHERE} AND a.region = 'North' GROUP BY o.owner_id"),
    "split_revenue": (f"SELECT s.member, SUM(o.amount * s.share) / 100 FROM obj_opportunity o "
                      f"JOIN obj_opportunity_split s ON s.opportunity = o.id WHERE {WHERE} GROUP BY s.member"),
}
PYTHON_ROWS = {
    "revenue": "SELECT o.owner_id, o.amount, o.stage, o.close_date, NULL, NULL FROM obj_opportunity o",
    "north_revenue": ("SELECT o.owner_id, o.amount, o.stage, o.close_date, a.region, NULL FROM obj_opportunity o "
                      "LEFT JOIN obj_account a ON a.id = o.account"),
    "split_revenue": ("SELECT s.member, o.amount, o.stage, o.close_date, NULL, s.share FROM obj_opportunity o "
                      "JOIN obj_opportunity_split s ON s.opportunity = o.id"),
}


def execute(conn, sql):
    """Run raw ``sql``; psycopg takes a lone % for a placeholder, so it is doubled there."""
    return conn.exec_driver_sql(sql if conn.dialect.name == "sqlite" else sql.replace("%", "%%"))


def build(runtime, ctx, rows):
    """Objects, KPIs, 200 people, ``rows`` deals spread over them and a 60/40 split of each."""
    publish_documents(runtime, [ACCOUNT, DATED_OPPORTUNITY, SPLIT, *KPIS])
    accounts = runtime.records.create_many(ctx, "account", [
        {"name": f"Account {i}", "region": ["East", "West", "North", "South"][i % 4]} for i in range(20)])
    with runtime.write() as conn:
        people = [create_user(conn, f"rep{i:03d}") for i in range(PEOPLE)]
    fill_opportunities(runtime, "obj_opportunity", rows, 1, accounts[0], people[0])
    first = runtime.bench_person = people[0]
    with runtime.write() as conn:
        execute(conn, f"UPDATE obj_opportunity SET owner_id = {first} + ((id / 3) % {PEOPLE}), "
                             f"account = {accounts[0]} + (id % 20)")
        for offset, share in ((0, 60), (1, 40)):
            execute(
                conn, "INSERT INTO obj_opportunity_split (owner_id, created_by, created_at, updated_by, updated_at, "
                f"version, opportunity, member, share) SELECT owner_id, owner_id, created_at, owner_id, updated_at, "
                f"1, id, {first} + ((id + {offset}) % {PEOPLE}), {share} FROM obj_opportunity")
    settle(runtime, ("obj_opportunity", "obj_opportunity_split", "obj_account"))


def settle(runtime, tables):
    """Planner statistics of ``tables``; on PostgreSQL also their visibility maps (VACUUM), as
    autovacuum leaves a table some time after a bulk load, so index-only scans need not
    visit the heap."""
    with runtime.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        verb = "ANALYZE" if conn.dialect.name == "sqlite" else "VACUUM ANALYZE"
        for table in tables:
            conn.exec_driver_sql(f"{verb} {table}")


def engine(runtime, name):
    return runtime.performance.actuals(name, ["2024-Q2"])


def one_person(runtime, name):
    """The engine for the first rep only, as one person's scorecard asks."""
    return runtime.performance.actuals(name, ["2024-Q2"], [runtime.bench_person])


def hand(runtime, name):
    with runtime.read() as conn:
        return {(person, "2024-Q2"): value for person, value in conn.exec_driver_sql(HAND_SQL[name])}


def in_python(runtime, name):
    low, high = (__import__("datetime").date.fromisoformat(d) for d in QUARTER)
    totals = defaultdict(Decimal)
    with runtime.read() as conn:
        for person, amount, stage, day, region, share in conn.exec_driver_sql(PYTHON_ROWS[name]):
            if isinstance(day, str):
                day = __import__("datetime").date.fromisoformat(day)
            if stage != "Won" or day is None or not low <= day < high or amount is None:
                continue
            if name == "north_revenue" and region != "North":
                continue
            value = Decimal(str(amount))
            totals[(person, "2024-Q2")] += value * Decimal(str(share)) / 100 if share is not None else value
    return dict(totals)


def same(found, expected):
    cents = Decimal("0.01")
    return {k: Decimal(str(v)).quantize(cents) for k, v in found.items()} == {
        k: Decimal(str(v)).quantize(cents) for k, v in expected.items()}


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            build(runtime, ctx, args.rows)
            print(f"\n{backend}: {args.rows} opportunities, {2 * args.rows} split rows, {PEOPLE} people, 2024-Q2")
            for kpi in KPIS:
                report(runtime, kpi["name"], args.repeat)
        finally:
            runtime.dispose()


def report(runtime, name, repeat):
    engine(runtime, name), hand(runtime, name)  # warm the model, KPI cache and database pages
    times = {"engine": [], "hand": [], "python": [], "one": []}
    for _ in range(repeat):  # the sides alternate, so load on the machine touches all alike
        for side, func in (("engine", engine), ("hand", hand), ("python", in_python), ("one", one_person)):
            seconds, result = timed(func, runtime, name)
            times[side].append(seconds)
            if side == "engine":
                found = result
            elif side == "hand":
                expected = result
    e, h, p, one = (median(times[s]) for s in ("engine", "hand", "python", "one"))
    print(f"  {name:14s} engine {fmt_ms(e):>12s}  hand SQL {fmt_ms(h):>12s}  python {fmt_ms(p):>12s}  "
          f"engine/hand {e / h:5.2f}x {verdict(e / h <= 1.5)}  python/engine {p / e:6.1f}x {verdict(p / e >= 20)}  "
          f"same numbers: {same(found, expected)} ({len(found)} people); one person {fmt_ms(one)}")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="opportunities (default 100000)")
    args = parser.parse_args()
    for backend in backends(args):
        run(backend, args)


if __name__ == "__main__":
    main()
