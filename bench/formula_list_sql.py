"""A filtered, sorted list with a formula column over N records runs in SQL.

Compares, in one run on one database, the records service listing
``filter=margin_pct > 0.2 && stage = "Won"`` sorted by ``-margin_pct`` (a formula
field) with the equivalent hand-written SQLAlchemy Core query. Target: within 1.5x.

    .venv/bin/python bench/formula_list_sql.py --database sqlite --rows 1000000
    .venv/bin/python bench/formula_list_sql.py --database postgresql --rows 1000000
"""

import argparse
import statistics
import tempfile
import time
import uuid

import sqlalchemy as sa
from sqlalchemy import case, select, text

from tessera.metadata import store
from tessera.runtime import Context, Runtime
from tessera.runtime.publish import service as publishing
from tessera.runtime.identity.users import create_user

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
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
    runtime = Runtime(url)
    runtime.create_schema()
    with runtime.write() as conn:
        user_id = create_user(conn, "admin", is_admin=True)
        store.save_draft(conn, "object", "opportunity", OPPORTUNITY, "admin")
        publishing.publish(conn, runtime.model(conn), "admin")
        conn.execute(text(FILL[conn.dialect.name]), {"rows": rows})
    with runtime.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("ANALYZE obj_opportunity")
    return runtime, Context(user_id=user_id, username="admin", is_admin=True)


def hand_written(runtime):
    """The same page as a hand-written Core query; returns the ids."""
    with runtime.read() as conn:
        table = runtime.model(conn).objects["opportunity"].table
        pct = case((table.c.amount > 0, table.c.margin / table.c.amount), else_=None)
        query = (select(table.c.id, table.c.title, pct.label("margin_pct"))
                 .where(pct > 0.2, table.c.stage == "Won")
                 .order_by(pct.is_(None).desc(), pct.desc(), table.c.id.desc()).limit(51))
        return [row.id for row in conn.execute(query)]


def through_service(runtime, ctx):
    """The page through the records service; returns the ids."""
    page = runtime.records.list(ctx, "opportunity", formula=FILTER, sort="-margin_pct",
                                fields=["title", "margin_pct"], limit="50")
    return [item["id"] for item in page["items"]]


def median_seconds(func, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    if args.database == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    else:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        runtime, ctx = setup(url, args.rows)
        assert through_service(runtime, ctx)[:50] == hand_written(runtime)[:50], "the two queries disagree"
        ours = median_seconds(lambda: through_service(runtime, ctx), args.repeat)
        base = median_seconds(lambda: hand_written(runtime), args.repeat)
        print(f"{args.database}, {args.rows} rows: service {ours * 1000:.1f} ms, hand-written SQL "
              f"{base * 1000:.1f} ms (medians of {args.repeat}); ratio {ours / base:.2f} (target <= 1.5)")
        runtime.dispose()
    finally:
        if args.database == "postgresql":
            with admin.connect() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
