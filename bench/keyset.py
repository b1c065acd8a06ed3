"""Keyset pagination: the cost of page 1 versus page N of RecordService.list.

The table is filled with raw INSERT ... SELECT, then the benchmark follows next_cursor
from page 1 to page N (default 1000, limit 50) for the default sort (id) and for
``sort=-amount``, and times page 1 and page N again and again. With keyset pagination
both should cost the same. For comparison it also times LIMIT/OFFSET to the same page
with plain SQLAlchemy Core (the runtime offers no offset paging).

    .venv/bin/python bench/keyset.py --database sqlite
    .venv/bin/python bench/keyset.py --database both --rows 200000 --explain

Target: page N costs about what page 1 costs (ratio close to 1).
"""

import sqlalchemy as sa
from sqlalchemy import event

from common import (argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime, publish_crm,
                    scratch_database, timed, verdict)

#: Page N may cost this much more than page 1 and still count as "the same".
TOLERANCE = 1.5


def page_times(runtime, ctx, sort, cursors, limit, samples):
    """Median seconds of ``samples`` list calls at each of ``cursors``.

    The calls are interleaved (and the order alternates), so every cursor sees the same
    machine load.
    """
    times = [[] for _ in cursors]
    for sample in range(samples):
        order = list(enumerate(cursors))
        for index, cursor in (order if sample % 2 == 0 else order[::-1]):
            seconds, _ = timed(runtime.records.list, ctx, "opportunity", sort=sort, limit=limit, cursor=cursor)
            times[index].append(seconds)
    return [median(t) for t in times]


def walk(runtime, ctx, sort, limit, pages):
    """Follow next_cursor from page 1; return (cursor of page ``pages``, seconds per page on the way)."""
    cursor, total = None, 0.0
    for _ in range(pages - 1):
        seconds, page = timed(runtime.records.list, ctx, "opportunity", sort=sort, limit=limit, cursor=cursor)
        total += seconds
        cursor = page["next_cursor"]
        if cursor is None:
            raise SystemExit(f"ran out of rows before page {pages}: use --rows >= {pages * limit + 1}")
    return cursor, total / (pages - 1)


def offset_times(runtime, table, sort, limit, page, samples):
    """Median seconds of a Core LIMIT/OFFSET query for ``page`` in the same order as the runtime."""
    if sort == "-amount":
        order = [table.c.amount.desc().nulls_first(), table.c.id.desc()]  # as the service sorts
    else:
        order = [table.c.id.asc()]
    query = sa.select(table).order_by(*order).limit(limit).offset((page - 1) * limit)

    def run():
        with runtime.read() as conn:
            return conn.execute(query).all()

    return median([timed(run)[0] for _ in range(samples)])


def captured_sql(runtime, func):
    """Run ``func`` and return the last (statement, parameters) it sent to the object table."""
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "obj_opportunity" in statement:
            seen.append((statement, parameters))

    event.listen(runtime.engine, "before_cursor_execute", remember)
    try:
        func()
    finally:
        event.remove(runtime.engine, "before_cursor_execute", remember)
    return seen[-1]


def explain(runtime, statement, parameters):
    """Print the database's plan for one captured statement."""
    with runtime.read() as conn:
        prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    for row in rows:
        print("        " + " | ".join(str(v) for v in row))


def bench_backend(backend, args):
    """Fill the table, then time page 1 and page N for each sort on one backend."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            account_ids = publish_crm(runtime, ctx, accounts=1)
            seconds, _ = timed(fill_opportunities, runtime, "obj_opportunity", args.rows, 1, account_ids[0],
                               ctx.user_id)
            print(f"{backend}: {args.rows} rows (filled in {seconds:.1f} s), limit {args.limit}, "
                  f"page 1 vs page {args.pages}, median of {args.repeat} calls each")
            with runtime.read() as conn:
                _, obj = runtime.object_for(conn, "opportunity")
            for sort in args.sorts:
                label = sort or "default (id)"
                cursor, walking = walk(runtime, ctx, sort, args.limit, args.pages)
                first, last = page_times(runtime, ctx, sort, [None, cursor], args.limit, args.repeat)
                ratio = last / first
                print(f"  sort={label}")
                print(f"    keyset page 1          : {fmt_ms(first)}")
                print(f"    keyset page {args.pages:<10} : {fmt_ms(last)}   (walking there: {fmt_ms(walking)} per page)")
                print(f"    ratio page {args.pages} / page 1: {ratio:.2f}   "
                      f"target <= {TOLERANCE}: {verdict(ratio <= TOLERANCE)}")
                if args.offset:
                    off_first = offset_times(runtime, obj.table, sort, args.limit, 1, args.repeat)
                    off_last = offset_times(runtime, obj.table, sort, args.limit, args.pages, args.repeat)
                    print(f"    for comparison, Core LIMIT/OFFSET: page 1 {fmt_ms(off_first)}, "
                          f"page {args.pages} {fmt_ms(off_last)}, ratio {off_last / off_first:.2f}")
                if args.explain:
                    for name, at in (("page 1", None), (f"page {args.pages}", cursor)):
                        statement, parameters = captured_sql(
                            runtime, lambda: runtime.records.list(ctx, "opportunity", sort=sort, limit=args.limit,
                                                                  cursor=at))
                        print(f"    plan of {name}:")
                        explain(runtime, statement, parameters)
        finally:
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=60_000, help="rows in the table (at least pages * limit + 1)")
    parser.add_argument("--pages", type=int, default=1000, help="the far page to compare with page 1")
    parser.add_argument("--limit", type=int, default=50, help="page size")
    parser.add_argument("--sort", dest="sorts", action="append", choices=["id", "-amount"],
                        help="sort to measure (repeatable; default: id and -amount)")
    parser.set_defaults(repeat=31)
    parser.add_argument("--no-offset", dest="offset", action="store_false", help="skip the LIMIT/OFFSET comparison")
    parser.add_argument("--explain", action="store_true", help="print the query plans of page 1 and page N")
    args = parser.parse_args()
    args.sorts = [None if s == "id" else s for s in (args.sorts or ["id", "-amount"])]
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
