"""Search (``q=``) on a large opportunity table: a page of 25 and the list page's capped count.

The search is a case-insensitive prefix match, the range ``lower(title) >= 'q' AND
lower(title) < 'r'`` compared byte by byte (``runtime/records/search.py``), combined with
the reader's row condition (an administrator here) and keyset paging by id. Three searches:
one every row matches (the page fills from the first rows), one a few rows match and one
no row matches (the database must look at every row unless an index serves the range).
Publishing gives the title field its search index, ``lower(title)`` (``lower(title)
COLLATE "C"`` on PostgreSQL); the searches are timed with it, and with ``--compare`` again
after dropping it (the baseline: what the index buys).

    .venv/bin/python bench/search.py --database both --rows 1000000 --compare

Target: each search, page and count together, under 150 ms (the list page's budget).
"""

from common import (analyze, argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime, publish_crm,
                    scratch_database, timed, verdict)
from tessera.runtime.records.aggregate import count_records

BUDGET = 0.150
CEILING = 10_000


def searches(rows):
    """(label, q) of the searches timed: every row, a few rows, no row."""
    few = f"opportunity {rows // 1000}"  # n = rows/1000, then its 10x, 100x and 1000x prefixes
    return [("every row", "opp"), (f"a few ({few!r})", few), ("no row", "zzz")]


def one_search(runtime, ctx, q):
    """A page of 25 and the count up to CEILING, as the list page asks them."""
    runtime.records.list(ctx, "opportunity", search=q, limit=25)
    return count_records(runtime, ctx, "opportunity", search=q, at_most=CEILING)


def report(runtime, ctx, rows, repeat):
    for label, q in searches(rows):
        count = one_search(runtime, ctx, q)
        seconds = median([timed(one_search, runtime, ctx, q)[0] for _ in range(repeat)])
        print(f"    {label:<28} count {count:>6}: {fmt_ms(seconds)}   "
              f"target < {fmt_ms(BUDGET)}: {verdict(seconds < BUDGET)}")


def drop_index(runtime):
    with runtime.write() as conn:
        conn.exec_driver_sql("DROP INDEX sx_opportunity_title")
    analyze(runtime, "obj_opportunity")


def bench_backend(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        try:
            account_ids = publish_crm(runtime, ctx, accounts=1)
            seconds, _ = timed(fill_opportunities, runtime, "obj_opportunity", args.rows, 1, account_ids[0], ctx.user_id)
            print(f"{backend}: {args.rows} rows (filled in {seconds:.1f} s), median of {args.repeat}")
            analyze(runtime, "obj_opportunity")
            print("  with the search index publishing made (lower(title)):")
            report(runtime, ctx, args.rows, args.repeat)
            if args.compare:
                drop_index(runtime)
                print("  without it (baseline):")
                report(runtime, ctx, args.rows, args.repeat)
        finally:
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows in the table")
    parser.add_argument("--compare", action="store_true", help="then drop the search index and time again")
    parser.set_defaults(repeat=5)
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
