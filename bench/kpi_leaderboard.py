"""A whole leaderboard for one quarter: the engine vs hand-written SQL vs Python, and one scorecard.

Builds ``--rows`` opportunities over 200 people in 10 teams (as ``kpi_actuals.py`` does,
each deal split 60/40), a target per person and KPI, and a 5-KPI scheme (one KPI with
split credit, one through a lookup) measuring every team. Then times, for 2024-Q2:

- ``runtime.scorecards.leaderboard``: the engine (scheme version, who is measured,
  one grouped query per KPI, targets, scoring, ranking);
- the same leaderboard from five hand-written grouped SQL statements and one targets
  query, scored by the same Python scoring functions;
- fetching the rows and aggregating them in Python, scored the same way;
- one rep's scorecard (which ranks them, so needs the whole board): cold, the board cache
  emptied first, so the board is computed; and warm, the board of the previous call
  reused (nothing it depends on was written in between);
- a 1-KPI scheme's leaderboard, to see cost growing with KPIs, not people.

The engine's and the hand-written totals are compared for equality.

    .venv/bin/python bench/kpi_leaderboard.py --database both --rows 1000000

Targets: within 1.5x of hand-written SQL; at least 20x faster than Python; a scorecard
under 200 ms on PostgreSQL. Every engine side but the warm scorecard empties the board
cache first, so it computes the board.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from common import argument_parser, backends, fmt_ms, median, new_runtime, publish_documents, scratch_database, timed
from kpi_actuals import BASE, HAND_SQL, PEOPLE, QUARTER, WHERE, build, execute, verdict
from tessera.runtime.identity.units import create_unit
from tessera.runtime.performance.scoring import Scoring, ranks, score_item, total

TEAMS = 10
MORE_KPIS = [
    {**BASE, "name": "won_count", "measure": "COUNT()", "filter": 'stage = "Won"', "scale": 0},
    {**BASE, "name": "pipeline", "filter": 'stage != "Won"'},
]
WEIGHTS = {"revenue": 0.3, "north_revenue": 0.1, "split_revenue": 0.2, "won_count": 0.2, "pipeline": 0.2}
SCHEME = {"kind": "kpi_scheme", "name": "bench", "period_type": "quarter", "effective_from": "2024-01-01",
          "applies_to": {"teams": ["sales"]}, "missing_target": "incomplete", "leaderboard": "all",
          "items": [{"kpi": k, "weight": w, "scoring": {"floor": 0, "cap": 150, "gate": 0.2}}
                    for k, w in WEIGHTS.items()]}
SINGLE = {**SCHEME, "name": "single", "items": [{"kpi": "revenue", "weight": 1}]}
HAND = {**HAND_SQL,
        "won_count": f"SELECT o.owner_id, COUNT(*) FROM obj_opportunity o WHERE {WHERE} GROUP BY o.owner_id",
        "pipeline": ("SELECT o.owner_id, SUM(o.amount) FROM obj_opportunity o WHERE o.stage <> 'Won' AND "
                     "o.close_date >= '{0}' AND o.close_date < '{1}' GROUP BY o.owner_id".format(*QUARTER))}
TARGETS_SQL = "SELECT kpi, subject_id, value FROM tessera_kpi_target WHERE period = '2024-Q2'"
CENTS = Decimal("0.01")


def setup(runtime, ctx, rows):
    """The actuals benchmark's data, plus teams, targets and the schemes."""
    build(runtime, ctx, rows)
    with runtime.write() as conn:
        create_unit(conn, "team", "sales")
        for i in range(TEAMS):
            create_unit(conn, "team", f"team{i}", parent="sales")
        first = runtime.bench_person
        team_ids = dict(conn.exec_driver_sql("SELECT name, id FROM tessera_team").all())
        for i in range(TEAMS):
            execute(conn, f"UPDATE tessera_user SET team_id = {team_ids[f'team{i}']} "
                          f"WHERE id >= {first} AND (id - {first}) % {TEAMS} = {i}")
    publish_documents(runtime, [*MORE_KPIS, SCHEME, SINGLE])
    with runtime.write() as conn:
        for kpi, base in (("revenue", 40000), ("north_revenue", 10000), ("split_revenue", 40000),
                          ("won_count", 30), ("pipeline", 90000)):
            execute(conn, "INSERT INTO tessera_kpi_target (kpi, subject_type, subject_id, period, period_type, "
                          "period_start, period_end, value, updated_at) "
                          f"SELECT '{kpi}', 'user', id, '2024-Q2', 'quarter', '2024-04-01', '2024-06-30', "
                          f"CAST({base} + (id % 7) * 1000 AS VARCHAR(64)), created_at FROM tessera_user "
                          f"WHERE id >= {first}")


def engine(runtime, ctx, scheme="bench"):
    runtime.scorecards.boards.clear()
    found = runtime.scorecards.leaderboard(ctx, scheme, "2024-Q2")
    return {row["user"]["id"]: row["total"] for row in found["rows"]}


def _score(actuals, targets):
    """{person: total} from {kpi: {person: actual}} and {kpi: {person: target}}, as the scheme scores."""
    people = {p for found in targets.values() for p in found}
    totals = []
    for person in sorted(people):
        items = [score_item(actuals[k].get(person, Decimal(0)), targets[k].get(person), weight=w,
                            scoring=Scoring(floor=Decimal(0), cap=Decimal(150), gate=Decimal("0.2")))
                 for k, w in WEIGHTS.items()]
        totals.append((person, total(items)[0]))
    return {person: None if value is None else str(value) for person, value, _ in ranks(totals)}


def _targets(conn):
    found = defaultdict(dict)
    for kpi, person, value in conn.exec_driver_sql(TARGETS_SQL):
        found[kpi][person] = Decimal(value)
    return found


def hand(runtime, ctx):
    with runtime.read() as conn:
        actuals = {k: {p: Decimal(str(v)).quantize(CENTS) for p, v in execute(conn, HAND[k])} for k in WEIGHTS}
        return _score(actuals, _targets(conn))


def in_python(runtime, ctx):
    low, high = (date.fromisoformat(d) for d in QUARTER)
    actuals = {k: defaultdict(Decimal) for k in WEIGHTS}
    with runtime.read() as conn:
        rows = conn.exec_driver_sql("SELECT o.owner_id, o.amount, o.stage, o.close_date, a.region FROM "
                                    "obj_opportunity o LEFT JOIN obj_account a ON a.id = o.account")
        for person, amount, stage, day, region in rows:
            day = date.fromisoformat(day) if isinstance(day, str) else day
            if day is None or not low <= day < high or amount is None:
                continue
            value = Decimal(str(amount))
            if stage == "Won":
                actuals["revenue"][person] += value
                actuals["won_count"][person] += 1
                if region == "North":
                    actuals["north_revenue"][person] += value
            else:
                actuals["pipeline"][person] += value
        rows = conn.exec_driver_sql("SELECT s.member, o.amount, o.stage, o.close_date, s.share FROM obj_opportunity o "
                                    "JOIN obj_opportunity_split s ON s.opportunity = o.id")
        for person, amount, stage, day, share in rows:
            day = date.fromisoformat(day) if isinstance(day, str) else day
            if stage == "Won" and day is not None and low <= day < high and amount is not None:
                actuals["split_revenue"][person] += Decimal(str(amount)) * Decimal(str(share)) / 100
        rounded = {k: {p: v.quantize(CENTS) for p, v in found.items()} for k, found in actuals.items()}
        return _score(rounded, _targets(conn))


def scorecard(runtime, ctx):
    runtime.scorecards.boards.clear()
    return warm_scorecard(runtime, ctx)


def warm_scorecard(runtime, ctx):
    """The scorecard right after another one of the same board: answered from the board cache."""
    return runtime.scorecards.scorecard(ctx, str(runtime.bench_person), "2024-Q2", "bench")


def single(runtime, ctx):
    return engine(runtime, ctx, "single")


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            setup(runtime, ctx, args.rows)
            print(f"\n{backend}: {args.rows} opportunities, {PEOPLE} people in {TEAMS} teams, 5-KPI scheme, 2024-Q2")
            report(runtime, ctx, args.repeat)
        finally:
            runtime.dispose()


def report(runtime, ctx, repeat):
    engine(runtime, ctx), hand(runtime, ctx)  # warm the model, KPI cache and database pages
    sides = (("engine", engine), ("hand", hand), ("scorecard", scorecard), ("warm", warm_scorecard),
             ("one_kpi", single), ("python", in_python))
    times = {side: [] for side, _ in sides}
    for _ in range(repeat):  # the sides alternate, so load on the machine touches all alike
        for side, func in sides:
            seconds, result = timed(func, runtime, ctx)
            times[side].append(seconds)
            if side in ("engine", "hand", "scorecard", "warm"):
                times.setdefault(side + "_result", result)
        # Python's full scans push the indexes out of the database's cache; the next round
        # starts from the warm cache a serving database has, as the first one did.
        engine(runtime, ctx), hand(runtime, ctx)
    e, h, p, card, warm, one = (median(times[s]) for s in ("engine", "hand", "python", "scorecard", "warm", "one_kpi"))
    same = times["engine_result"] == times["hand_result"]
    same_card = times["scorecard_result"] == times["warm_result"]
    print(f"  leaderboard engine {fmt_ms(e)}  hand SQL {fmt_ms(h)}  python {fmt_ms(p)}\n"
          f"  engine/hand {e / h:5.2f}x {verdict(e / h <= 1.5)}  python/engine {p / e:6.1f}x {verdict(p / e >= 20)}  "
          f"same totals: {same} ({len(times['engine_result'])} people)\n"
          f"  one rep's scorecard: cold {fmt_ms(card)} {verdict(card <= 0.2)}  warm (board cached) {fmt_ms(warm)} "
          f"{verdict(warm <= 0.2)}  same card: {same_card}\n"
          f"  1-KPI leaderboard {fmt_ms(one)} "
          f"(5 KPIs / 1 KPI {e / one:4.1f}x)")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="opportunities (default 100000)")
    args = parser.parse_args()
    for backend in backends(args):
        run(backend, args)


if __name__ == "__main__":
    main()
