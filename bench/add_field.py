"""Adding a field to a big object: publish time at 10k, 100k, 1M rows.

The opportunity table is grown with raw INSERT ... SELECT (recursive CTE on SQLite,
generate_series on PostgreSQL) to each size in turn; at each size the benchmark saves a
draft that adds one more nullable field and times ``tessera.runtime.publish.service.publish``
in its own write transaction, commit included. Adding a nullable column must not
rewrite the table, so the time should not grow with the row count. On PostgreSQL the
table's file node is compared before and after as well: a rewrite would change it.

    .venv/bin/python bench/add_field.py --database sqlite
    .venv/bin/python bench/add_field.py --database both --rows 1000000

Target: publish time roughly constant (the largest size within 3x of the smallest).
"""

from tessera.metadata import store
from tessera.runtime import Context
from tessera.runtime.publish import service as publishing
from common import (OPPORTUNITY, argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime,
                    publish_crm, scratch_database, timed, verdict)

#: The largest size may take this many times the smallest and still count as constant.
TOLERANCE = 3.0

#: The kinds of field added, in turn (all nullable, no default: what admins add most).
NEW_FIELDS = [
    {"type": "text", "max_length": 100},
    {"type": "currency"},
    {"type": "picklist", "options": ["A", "B", "C"]},
    {"type": "boolean"},
    {"type": "date"},
]


def sizes_up_to(largest, smallest=10_000):
    """10k, 100k, 1M, ... up to ``largest`` (and ``largest`` itself)."""
    sizes, size = [], smallest
    while size < largest:
        sizes.append(size)
        size *= 10
    return sizes + [largest]


def file_node(runtime):
    """The PostgreSQL file node of the opportunity table (None on SQLite)."""
    if runtime.engine.dialect.name != "postgresql":
        return None
    with runtime.read() as conn:
        return conn.exec_driver_sql("SELECT pg_relation_filenode('obj_opportunity')").scalar_one()


def publish_new_field(runtime, doc, number):
    """Save a draft of ``doc`` with field ``extra_<number>`` added and publish it; return (seconds, steps)."""
    spec = NEW_FIELDS[number % len(NEW_FIELDS)]
    doc["fields"].append({"name": f"extra_{number}", **spec})
    with runtime.write() as conn:
        store.save_draft(conn, "object", "opportunity", doc, "admin")

    def publish():
        with runtime.write() as conn:
            return publishing.publish(conn, runtime.model(conn), Context.cli())

    seconds, result = timed(publish)
    return seconds, [f'{s["op"]} {s["target"]}' for s in result["steps"]]


def bench_backend(backend, args):
    """Grow the table size by size and time a field publish at each; print the figures."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            account_ids = publish_crm(runtime, ctx, accounts=1)
            doc = {**OPPORTUNITY, "fields": list(OPPORTUNITY["fields"])}
            rows, number, medians = 0, 0, {}
            print(f"{backend}: publish of one added field, median of {args.repeat} publishes per size")
            for size in sizes_up_to(args.rows):
                fill_s, _ = timed(fill_opportunities, runtime, "obj_opportunity", size - rows, rows + 1,
                                  account_ids[0], ctx.user_id)
                rows = size
                before = file_node(runtime)
                times = []
                for _ in range(args.repeat):
                    number += 1
                    seconds, steps = publish_new_field(runtime, doc, number)
                    times.append(seconds)
                rewritten = before is not None and file_node(runtime) != before
                medians[size] = median(times)
                note = " TABLE REWRITTEN" if rewritten else (" (table file unchanged)" if before is not None else "")
                print(f"  {size:>9} rows (filled in {fill_s:5.1f} s): publish {fmt_ms(medians[size])}  "
                      f"[min {fmt_ms(min(times))}, max {fmt_ms(max(times))}] last publish: {', '.join(steps)}{note}",
                      flush=True)
            smallest, largest = min(medians), max(medians)
            ratio = medians[largest] / medians[smallest]
            print(f"  ratio {largest} rows / {smallest} rows: {ratio:.2f}   "
                  f"target <= {TOLERANCE}: {verdict(ratio <= TOLERANCE)}")
        finally:
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000,
                        help="largest table size; sizes go 10k, 100k, ... up to it (full figure: 1000000)")
    parser.set_defaults(repeat=5)
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
