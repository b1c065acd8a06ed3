"""What the benchmarks share: throw-away databases, the benchmark model and timing helpers.

Every benchmark works in a database of its own making: a SQLite file in a temporary
directory, or a fresh PostgreSQL schema (``bench_<random>``) that is dropped at the end,
even when the run fails. Nothing here is imported by Tessera or its tests.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from tessera.metadata import store  # noqa: E402
from tessera.runtime import Context, Runtime  # noqa: E402
from tessera.runtime.publish import service as publishing
from tessera.runtime.identity.users import create_user  # noqa: E402

try:  # tokens moved out of identity as the platform grew
    from tessera.runtime.identity.tokens import create_token  # noqa: E402
except ImportError:  # pragma: no cover
    from tessera.runtime.identity.users import create_token  # noqa: E402

DEFAULT_POSTGRES_URL = os.environ.get(
    "TESSERA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

STAGES = ["Prospecting", "Qualification", "Negotiation", "Won", "Lost"]

ACCOUNT = {
    "kind": "object", "name": "account", "label": {"en": "Account"},
    "fields": [
        {"name": "name", "type": "text", "required": True, "max_length": 200},
        {"name": "region", "type": "picklist", "options": ["East", "West", "North", "South"]},
    ],
}

#: The benchmark opportunity: eight fields of the everyday types. ``amount`` is indexed
#: because lists sort by it (an admin marks sortable fields "indexed").
OPPORTUNITY = {
    "kind": "object", "name": "opportunity", "label": {"en": "Opportunity"},
    "fields": [
        {"name": "title", "type": "text", "required": True, "max_length": 200},
        {"name": "amount", "type": "currency", "scale": 2, "min": 0, "indexed": True},
        {"name": "discount", "type": "percent"},
        {"name": "stage", "type": "picklist", "required": True, "default": "Prospecting", "options": STAGES},
        {"name": "close_date", "type": "date"},
        {"name": "account", "type": "lookup", "target": "account", "on_delete": "restrict"},
        {"name": "is_priority", "type": "boolean"},
        {"name": "next_step", "type": "long_text"},
    ],
}


# -- command line -------------------------------------------------------------------

def argument_parser(description):
    """An ArgumentParser with the options every benchmark takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite",
                        help="which database to run on (default: sqlite)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help="PostgreSQL server to create the throw-away schema in")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; medians are reported")
    return parser


def backends(args):
    """The backends named by ``--database``."""
    return ["sqlite", "postgresql"] if args.database == "both" else [args.database]


# -- throw-away databases -------------------------------------------------------------

@contextmanager
def scratch_database(backend, postgres_url=DEFAULT_POSTGRES_URL):
    """Yield the URL of an empty database: a SQLite file or a fresh PostgreSQL schema, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tessera-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in postgres_url else "?"
    try:
        yield f"{postgres_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def new_runtime(url):
    """A Runtime on ``url`` with its system tables and an administrator; return (runtime, ctx)."""
    runtime = Runtime(url)
    runtime.create_schema()
    with runtime.write() as conn:
        user_id = create_user(conn, "admin", is_admin=True)
    return runtime, Context(user_id=user_id, username="admin", is_admin=True)


def new_token(runtime, user_id):
    """A fresh API token of ``user_id``."""
    with runtime.write() as conn:
        return create_token(conn, user_id, "bench")


def publish_documents(runtime, docs, author="admin"):
    """Save ``docs`` as drafts and publish them in one transaction; return the publish result."""
    with runtime.write() as conn:
        for doc in docs:
            store.save_draft(conn, doc["kind"], doc["name"], doc, author)
        return publishing.publish(conn, runtime.model(conn), Context.cli())


def publish_crm(runtime, ctx, accounts=20):
    """Publish account and opportunity and create ``accounts`` accounts; return their ids."""
    publish_documents(runtime, [ACCOUNT, OPPORTUNITY])
    payloads = [{"name": f"Account {i}", "region": ["East", "West", "North", "South"][i % 4]}
                for i in range(accounts)]
    return runtime.records.create_many(ctx, "account", payloads)


# -- rows ---------------------------------------------------------------------------

def opportunity_payload(i, account_ids):
    """What an API client sends for opportunity ``i`` (decimals as JSON would parse them)."""
    return {
        "title": f"Opportunity {i}",
        "amount": Decimal((i * 7919) % 1_000_000) / 100 + 100,
        "discount": Decimal((i % 30)) / 100,
        "stage": STAGES[i % len(STAGES)],
        "close_date": (date(2024, 1, 1) + timedelta(days=i % 700)).isoformat(),
        "account": account_ids[i % len(account_ids)],
        "is_priority": i % 3 == 0,
        "next_step": f"Call the buyer about item {i} and send the revised quote.",
    }


def typed_row(i, account_ids, user_id, now):
    """The same record as stored: Python-typed values plus the system columns."""
    payload = opportunity_payload(i, account_ids)
    return {
        **payload,
        "amount": payload["amount"].quantize(Decimal("0.01")),
        "discount": payload["discount"].quantize(Decimal("0.0001")),
        "close_date": date.fromisoformat(payload["close_date"]),
        "owner_id": user_id, "created_by": user_id, "created_at": now,
        "updated_by": user_id, "updated_at": now, "version": 1,
    }


def fill_opportunities(runtime, table_name, count, start, account_id, user_id):
    """Append ``count`` rows numbered from ``start`` to ``table_name`` with one INSERT ... SELECT.

    A recursive CTE on SQLite, generate_series on PostgreSQL; values vary with the row
    number so sorts and indexes see realistic spreads (amount has duplicates and NULLs).
    """
    dialect = runtime.engine.dialect.name
    if dialect == "sqlite":
        series = (f"WITH RECURSIVE seq(n) AS (SELECT {start} UNION ALL SELECT n + 1 FROM seq "
                  f"WHERE n < {start + count - 1}) ")
        source, now, day = "FROM seq", "datetime('now')", "date('2024-01-01', '+' || (n % 700) || ' days')"
        truth = "(n % 3 = 0)"
    else:
        series = ""
        source = f"FROM generate_series({start}::bigint, {start + count - 1}::bigint) AS seq(n)"
        now, day, truth = "(now() at time zone 'utc')", "(date '2024-01-01' + (n % 700)::int)", "(n % 3 = 0)"
    stages = "CASE n % 5 " + " ".join(f"WHEN {k} THEN '{s}'" for k, s in enumerate(STAGES)) + " END"
    sql = (
        f"INSERT INTO {table_name} (owner_id, created_by, created_at, updated_by, updated_at, version, "
        f"title, amount, discount, stage, close_date, account, is_priority, next_step) "
        f"{series}SELECT {user_id}, {user_id}, {now}, {user_id}, {now}, 1, "
        f"'Opportunity ' || n, CASE WHEN n % 97 = 0 THEN NULL ELSE ((n * 7919) % 1000000) / 100.0 + 100 END, "
        f"(n % 30) / 100.0, {stages}, {day}, {account_id}, {truth}, "
        f"'Call the buyer about item ' || n || ' and send the revised quote.' {source}"
    )
    if dialect != "sqlite":
        sql = sql.replace("%", "%%")  # the driver takes % for a placeholder
    with runtime.write() as conn:
        conn.exec_driver_sql(sql)
    analyze(runtime, table_name)


def analyze(runtime, table_name):
    """Refresh the planner statistics of ``table_name``."""
    with runtime.write() as conn:
        conn.exec_driver_sql(f"ANALYZE {table_name}")


# -- timing -------------------------------------------------------------------------

def timed(func, *args, **kwargs):
    """Run ``func`` once; return (seconds, result)."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return time.perf_counter() - start, result


def median(values):
    """The median of ``values``."""
    return statistics.median(values)


def fmt_ms(seconds):
    """Seconds as milliseconds with three significant decimals."""
    return f"{seconds * 1000:.3f} ms"


def verdict(ok):
    """PASS or FAIL, for target lines."""
    return "PASS" if ok else "FAIL"
