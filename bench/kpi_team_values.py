"""A team scorecard with KPIs that do not add across people: the engine vs hand-written SQL.

Builds the leaderboard benchmark's data (``--rows`` opportunities, 200 people in 10 teams
under ``sales``), publishes an average (``AVG(amount)``) and a distinct count
(``COUNT_DISTINCT(account)``) of won deals beside revenue, and times for 2024-Q2:

- ``runtime.scorecards.team_scorecard`` of ``sales``: the engine (members, one grouped
  query per KPI, the two non-additive ones grouped by team, targets, scoring) for the
  team and its ten sub-teams;
- the same eleven teams' values from hand-written SQL: revenue per person, summed per
  team in Python; the average and the distinct count grouped by team, plus one statement
  each for ``sales`` as a whole.

The engine's and the hand-written values are compared for equality.

    .venv/bin/python bench/kpi_team_values.py --database both --rows 100000
"""

from decimal import ROUND_HALF_UP, Decimal

from common import argument_parser, backends, fmt_ms, median, new_runtime, publish_documents, scratch_database, timed
from kpi_actuals import BASE, HAND_SQL, PEOPLE, WHERE, execute
from kpi_leaderboard import TEAMS, setup

KPIS = [{**BASE, "name": "avg_deal", "measure": "AVG(amount)", "filter": 'stage = "Won"'},
        {**BASE, "name": "accounts", "measure": "COUNT_DISTINCT(account)", "filter": 'stage = "Won"', "scale": 0}]
SCHEME = {"kind": "kpi_scheme", "name": "team_mix", "period_type": "quarter", "effective_from": "2024-01-01",
          "applies_to": {"teams": ["sales"]}, "missing_target": "renormalize",
          "items": [{"kpi": "revenue", "weight": 0.4}, {"kpi": "avg_deal", "weight": 0.3},
                    {"kpi": "accounts", "weight": 0.3}]}
JOIN = "FROM obj_opportunity o JOIN tessera_user u ON u.id = o.owner_id JOIN tessera_team t ON t.id = u.team_id"
HAND = {
    "avg_deal": (f"SELECT t.name, SUM(o.amount), COUNT(o.amount) {JOIN} WHERE {WHERE} GROUP BY t.name",
                 f"SELECT 'sales', SUM(o.amount), COUNT(o.amount) {JOIN} WHERE {WHERE}"),
    "accounts": (f"SELECT t.name, COUNT(DISTINCT o.account) {JOIN} WHERE {WHERE} GROUP BY t.name",
                 f"SELECT 'sales', COUNT(DISTINCT o.account) {JOIN} WHERE {WHERE}"),
}
CENTS, ONE = Decimal("0.01"), Decimal(1)


def engine(runtime, ctx):
    found = runtime.scorecards.team_scorecard(ctx, "sales", "2024-Q2", "team_mix")
    return {team["team"]: [item["actual"] for item in team["items"]] for team in [found, *found["teams"]]}


def _fixed(value, places):
    return str(Decimal(str(value)).quantize(places, rounding=ROUND_HALF_UP))


def hand(runtime, ctx):
    with runtime.read() as conn:
        teams = dict(conn.exec_driver_sql("SELECT u.id, t.name FROM tessera_user u JOIN tessera_team t "
                                          "ON t.id = u.team_id").all())
        revenue = {}
        for person, value in execute(conn, HAND_SQL["revenue"]):
            for team in (teams.get(person), "sales"):
                revenue[team] = revenue.get(team, Decimal(0)) + Decimal(str(value)).quantize(CENTS)
        averages = {name: _fixed(Decimal(str(total)) / count, CENTS)
                    for sql in HAND["avg_deal"] for name, total, count in execute(conn, sql)}
        distinct = {name: _fixed(count, ONE) for sql in HAND["accounts"] for name, count in execute(conn, sql)}
        names = [name for (name,) in conn.exec_driver_sql("SELECT name FROM tessera_team")]
    return {team: [str(revenue.get(team, Decimal(0)).quantize(CENTS)), averages.get(team), distinct.get(team, "0")]
            for team in names}


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            setup(runtime, ctx, args.rows)
            publish_documents(runtime, [*KPIS, SCHEME])
            with runtime.write() as conn:  # as autovacuum would after the people were added
                for table in ("tessera_user", "tessera_team"):
                    conn.exec_driver_sql(f"ANALYZE {table}")
            print(f"\n{backend}: {args.rows} opportunities, {PEOPLE} people in {TEAMS} teams under sales, 2024-Q2")
            report(runtime, ctx, args.repeat)
        finally:
            runtime.dispose()


def report(runtime, ctx, repeat):
    engine(runtime, ctx), hand(runtime, ctx)  # warm the model, KPI cache and database pages
    times, results = {"engine": [], "hand": []}, {}
    for _ in range(repeat):  # alternating, so load on the machine touches both alike
        for side, func in (("engine", engine), ("hand", hand)):
            seconds, results[side] = timed(func, runtime, ctx)
            times[side].append(seconds)
    e, h = median(times["engine"]), median(times["hand"])
    print(f"  team scorecard of 11 teams: engine {fmt_ms(e)}  hand SQL {fmt_ms(h)}  engine/hand {e / h:5.2f}x  "
          f"same values: {results['engine'] == results['hand']}")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="opportunities (default 100000)")
    args = parser.parse_args()
    for backend in backends(args):
        run(backend, args)


if __name__ == "__main__":
    main()
