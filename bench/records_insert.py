"""Bulk insert: RecordService.create_many versus a raw SQLAlchemy Core executemany.

Both sides insert the same records, in batches of the same size, one transaction per
batch, into tables with the same columns and indexes in the same database. The service
side gets what an API client sends and does everything a real create does (marshmallow
validation and coercion, lookup checks, system columns, INSERT ... RETURNING, one outbox
event per record); the raw side gets the already-typed rows and only inserts them.

    .venv/bin/python bench/records_insert.py --database sqlite
    .venv/bin/python bench/records_insert.py --database postgresql --rows 100000
    .venv/bin/python bench/records_insert.py --database both --rows 100000 --profile

Target: the service rate is at least 30% of the raw rate.
"""

import cProfile
import pstats
import time

import sqlalchemy as sa

from common import (argument_parser, backends, median, new_runtime, opportunity_payload, publish_crm,
                    scratch_database, timed, typed_row, verdict)
from tessera.metadata.store import utcnow

TARGET = 0.30

def raw_table(service_table):
    """A plain table with the columns and indexes of ``service_table``."""
    metadata = sa.MetaData()
    table = sa.Table(f"raw_{service_table.name}", metadata,
                     *[sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                                 autoincrement=c.autoincrement)
                       for c in service_table.columns])
    for index in service_table.indexes:
        sa.Index(f"raw_{index.name}", *[table.c[c.name] for c in index.columns], unique=index.unique)
    return table


def clear(runtime, tables):
    """Empty ``tables`` (ours only) so every repetition starts alike."""
    with runtime.write() as conn:
        for table in tables:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"TRUNCATE {table.name} RESTART IDENTITY")
            else:
                conn.execute(table.delete())


def service_batch(runtime, ctx, batch):
    """Insert one batch through the records service; return seconds."""
    start = time.perf_counter()
    runtime.records.create_many(ctx, "opportunity", batch)
    return time.perf_counter() - start


def raw_batch(runtime, table, batch):
    """Insert one batch with one Core executemany in its own transaction; return seconds."""
    start = time.perf_counter()
    with runtime.write() as conn:
        conn.execute(table.insert(), batch)
    return time.perf_counter() - start


def run_interleaved(runtime, ctx, raw, payloads, typed):
    """Insert every batch both ways, alternating which goes first; return (service s, raw s).

    Interleaving batch by batch keeps both sides under the same machine load.
    """
    service_s = raw_s = 0.0
    for index, (batch, rows) in enumerate(zip(payloads, typed)):
        if index % 2 == 0:
            service_s += service_batch(runtime, ctx, batch)
            raw_s += raw_batch(runtime, raw, rows)
        else:
            raw_s += raw_batch(runtime, raw, rows)
            service_s += service_batch(runtime, ctx, batch)
    return service_s, raw_s


def top_functions(profile, total, count=12):
    """Print the functions with the most own time in a profiled service run."""
    stats = pstats.Stats(profile)
    print(f"    profiled service run: {total:.3f} s; top functions by own time:")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:count]
    for (filename, line, funcname), (_, calls, tottime, cumulative, _) in rows:
        short = filename.split("site-packages/")[-1].split("/tessera/", 1)[-1]
        print(f"      {tottime:7.3f} s own {cumulative:7.3f} s cum {calls:>9} calls  {funcname} ({short}:{line})")


def stage_costs(runtime, ctx, obj, payloads, typed, raw, repeat):
    """Time each stage of a create in isolation, with the functions the service uses.

    Prints the median µs per record of ``repeat`` runs of each stage.
    """
    from tessera.runtime.events.outbox import event_row
    from tessera.runtime.records.service import with_defaults
    from tessera.runtime.fields.serialize import to_json

    flat = [p for batch in payloads for p in batch]
    loaded = [obj.create_loader.load(with_defaults(obj, p)) for p in flat]

    def events_of(rows):
        return [event_row("record.created", obj.name, i,
                          {"values": {k: to_json(v, obj.fields[k]["type"]) for k, v in row.items() if k in obj.fields}},
                          ctx.user_id) for i, row in enumerate(rows)]

    def executemany(statement, batches):
        def run():
            clear(runtime, [raw, runtime.outbox_table])
            for batch in batches:
                with runtime.write() as conn:
                    result = conn.execute(statement, batch)
                    if result.returns_rows:
                        result.all()
        return run

    events = [events_of(batch) for batch in typed]
    stages = [
        ("marshmallow load (validate + coerce)", lambda: [obj.create_loader.load(with_defaults(obj, p)) for p in flat]),
        ("outbox event rows (to_json, uuid4)", lambda: events_of(loaded)),
        ("INSERT ... RETURNING id (sorted), as the service",
         executemany(sa.insert(raw).returning(raw.c.id, sort_by_parameter_order=True), typed)),
        ("plain executemany (the raw side)", executemany(raw.insert(), typed)),
        ("outbox INSERT executemany", executemany(sa.insert(runtime.outbox_table), events)),
    ]
    print(f"    stage costs measured in isolation (median of {repeat}, µs per record):")
    for label, run in stages:
        seconds = median([timed(run)[0] for _ in range(repeat)])
        print(f"      {label:<50} {seconds / len(flat) * 1e6:8.1f}")


def bench_backend(backend, args):
    """Run the comparison on one backend and print its figures."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            account_ids = publish_crm(runtime, ctx)
            with runtime.read() as conn:
                _, obj = runtime.object_for(conn, "opportunity")
            raw = raw_table(obj.table)
            with runtime.write() as conn:
                raw.metadata.create_all(conn)
            now = utcnow()
            sizes = range(0, args.rows, args.batch)
            payloads = [[opportunity_payload(i, account_ids) for i in range(s, min(s + args.batch, args.rows))]
                        for s in sizes]
            typed = [[typed_row(i, account_ids, ctx.user_id, now) for i in range(s, min(s + args.batch, args.rows))]
                     for s in sizes]
            service_rates, raw_rates, ratios = [], [], []
            for rep in range(args.repeat):
                clear(runtime, [obj.table, raw, runtime.outbox_table])
                service_s, raw_s = run_interleaved(runtime, ctx, raw, payloads, typed)
                service_rates.append(args.rows / service_s)
                raw_rates.append(args.rows / raw_s)
                ratios.append(raw_s / service_s)
                print(f"  [{backend}] rep {rep + 1}: service {args.rows / service_s:9.0f} rows/s   "
                      f"raw {args.rows / raw_s:9.0f} rows/s   ratio {raw_s / service_s:6.1%}", flush=True)
            ratio = median(ratios)
            print(f"{backend}: {args.rows} rows in batches of {args.batch}, median of {args.repeat}")
            print(f"  service create_many : {median(service_rates):10.0f} rows/s")
            print(f"  raw Core executemany: {median(raw_rates):10.0f} rows/s")
            print(f"  ratio of the medians: {median(service_rates) / median(raw_rates):10.1%}")
            print(f"  median per-run ratio: {ratio:10.1%}   target >= {TARGET:.0%}: {verdict(ratio >= TARGET)}")
            if args.profile:
                clear(runtime, [obj.table, runtime.outbox_table])
                profile = cProfile.Profile()
                profile.enable()
                seconds = sum(service_batch(runtime, ctx, batch) for batch in payloads)
                profile.disable()
                top_functions(profile, seconds)
                stage_costs(runtime, ctx, obj, payloads, typed, raw, args.repeat)
        finally:
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="records per repetition (full figure: 100000)")
    parser.add_argument("--batch", type=int, default=1000, help="records per create_many call")
    parser.add_argument("--profile", action="store_true", help="show where the service's time goes (cProfile and isolated stage costs)")
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
