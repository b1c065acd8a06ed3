"""A filtered, sorted list with a formula column over N records runs in SQL.

Compares, in one run on one database, the records service listing
``filter=margin_pct > 0.2 && stage = "Won"`` sorted by ``-margin_pct`` (a formula
field) with the equivalent hand-written SQLAlchemy Core query. Target: within 1.5x.

Both sides run once to warm up (and must return the same page), then alternate, the order
switching every repetition, so that both see the same caches and machine load. The
hand-written query sorts as the service does (``DESC NULLS FIRST``, which PostgreSQL's
planner and SQLite handle natively) and compares with a decimal, not a float, literal.

    .venv/bin/python bench/formula_list_sql.py --database both
    .venv/bin/python bench/formula_list_sql.py --database postgresql --rows 1000000
"""

from decimal import Decimal

from sqlalchemy import case, select, text

from common import argument_parser, backends, median, new_runtime, publish_documents, scratch_database, timed

FILTER = 'margin_pct > 0.2 && stage = "Won"'

OPPORTUNITY = {"kind": "object", "name": "opportunity", "fields": [
    {"name": "title", "type": "text"},
    {"name": "amount", "type": "currency"},
    {"name": "margin", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]},
    {"name": "margin_pct", "type": "formula", "returns": "percent", "expression": "IF(amount > 0, margin / amount, NULL)"},
]}

FILL = {
    "sqlite": """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
        INSERT INTO obj_opportunity (owner_id, created_by, created_at, updated_by, updated_at, version,
                                     title, amount, margin, stage)
        SELECT 1, 1, '2026-01-01 00:00:00', 1, '2026-01-01 00:00:00', 1, 'deal ' || i,
               (i % 997) * 10.5, (i % 389) * 3.25, CASE i % 3 WHEN 0 THEN 'Won' WHEN 1 THEN 'Open' ELSE 'Lost' END
        FROM n""",
    "postgresql": """
        INSERT INTO obj_opportunity (owner_id, created_by, created_at, updated_by, updated_at, version,
                                     title, amount, margin, stage)
        SELECT 1, 1, now(), 1, now(), 1, 'deal ' || i, (i % 997) * 10.5, (i % 389) * 3.25,
               CASE i % 3 WHEN 0 THEN 'Won' WHEN 1 THEN 'Open' ELSE 'Lost' END
        FROM generate_series(1, :rows) AS i""",
}


def setup(url, rows):
    """A runtime with the opportunity object published and ``rows`` records."""
    runtime, ctx = new_runtime(url)
    publish_documents(runtime, [OPPORTUNITY])
    with runtime.write() as conn:
        conn.execute(text(FILL[conn.dialect.name]), {"rows": rows})
    with runtime.write() as conn:
        conn.exec_driver_sql("ANALYZE obj_opportunity")
    return runtime, ctx


def hand_written(runtime):
    """The same page as a hand-written Core query; returns the ids."""
    with runtime.read() as conn:
        table = runtime.model(conn).objects["opportunity"].table
        pct = case((table.c.amount > 0, table.c.margin / table.c.amount), else_=None)
        query = (select(table.c.id, table.c.title, pct.label("margin_pct"))
                 .where(pct > Decimal("0.2"), table.c.stage == "Won")
                 .order_by(pct.desc().nulls_first(), table.c.id.desc()).limit(51))
        return [row.id for row in conn.execute(query)]


def through_service(runtime, ctx):
    """The page through the records service; returns the ids."""
    page = runtime.records.list(ctx, "opportunity", formula=FILTER, sort="-margin_pct",
                                fields=["title", "margin_pct"], limit="50")
    return [item["id"] for item in page["items"]]


def interleaved_medians(sides, repeat):
    """Median seconds of each side over ``repeat`` rounds, after one warm-up round; the order
    of the sides alternates every round."""
    for side in sides:
        side()
    times = [[] for _ in sides]
    for round_ in range(repeat):
        order = list(enumerate(sides))
        for index, side in (order if round_ % 2 == 0 else order[::-1]):
            times[index].append(timed(side)[0])
    return [median(t) for t in times]


def bench_backend(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = setup(url, args.rows)
        try:
            ours_ids, base_ids = through_service(runtime, ctx), hand_written(runtime)
            assert ours_ids[:50] == base_ids[:50], "the two queries disagree"
            ours, base = interleaved_medians(
                [lambda: through_service(runtime, ctx), lambda: hand_written(runtime)], args.repeat)
            print(f"{backend}, {args.rows} rows: service {ours * 1000:.1f} ms, hand-written SQL "
                  f"{base * 1000:.1f} ms (medians of {args.repeat}, interleaved); "
                  f"ratio {ours / base:.2f} (target <= 1.5)")
        finally:
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.set_defaults(repeat=15)
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
