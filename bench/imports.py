"""Bulk import: rows per second and peak memory as the file grows.

For each size (``--rows``, default 100000 and 500000) a CSV file of that many leads is
written, then imported into a fresh database by ``tessera``'s import service
(``ImportService.run_local``, ``valid_rows`` mode, upsert key mapped) in a child process
of its own, which reports its time and its peak resident memory (``ru_maxrss``). In the
same child, before the import, the baseline: the records service's ``create_many`` on
the first 20 000 rows' payloads, in batches of the import's size (what the import adds is
reading the file, mapping cells, the external-id lookups and the per-batch savepoints).

    .venv/bin/python bench/imports.py --database both
    .venv/bin/python bench/imports.py --database sqlite --rows 100000 500000 --repeat 1

Targets (issue 13): memory flat (peak at the largest size ≤ 1.25 × the smallest); rows
per second reported, with the ratio to create_many.
"""

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from common import argument_parser, backends, median, new_runtime, publish_documents, scratch_database, verdict

LEAD = {
    "kind": "object", "name": "lead", "label": {"en": "Lead"},
    "fields": [
        {"name": "company", "type": "text", "required": True, "max_length": 200},
        {"name": "external_ref", "type": "text", "max_length": 40, "unique": True},
        {"name": "revenue", "type": "currency", "scale": 2},
        {"name": "status", "type": "picklist", "options": ["Open", "Qualified", "Lost"]},
        {"name": "first_contact", "type": "date"},
        {"name": "hot", "type": "boolean"},
        {"name": "notes", "type": "long_text"},
    ],
}
HEADER = ["company", "external_ref", "revenue", "status", "first_contact", "hot", "notes"]
BASELINE_ROWS = 20000
MEMORY_TARGET = 1.25


def row(i):
    return [f"Company {i}", f"L-{i:08d}", f"{(i * 37) % 100000}.{i % 100:02d}", ("Open", "Qualified", "Lost")[i % 3],
            f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "true" if i % 5 == 0 else "false",
            "Met at the trade fair; wants a quote for pumps and valves." if i % 4 == 0 else ""]


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            writer.writerow(row(i))


def child(url, path):
    """Run in a fresh process: the baseline, then the import; print one JSON line."""
    runtime, ctx = new_runtime(url)
    publish_documents(runtime, [LEAD, {**LEAD, "name": "lead_baseline"}])
    payloads = [dict(zip(HEADER, r)) for r in (row(i) for i in range(BASELINE_ROWS))]
    for p in payloads:
        p["hot"] = p["hot"] == "true"
        if not p["notes"]:
            del p["notes"]
    batch = runtime.imports.batch_rows
    started = time.perf_counter()
    for start in range(0, len(payloads), batch):
        runtime.records.create_many(ctx, "lead_baseline", payloads[start:start + batch])
    baseline = len(payloads) / (time.perf_counter() - started)
    del payloads
    params = runtime.imports.prepare(ctx, "lead", path, external_id="external_ref", mode="valid_rows")
    started = time.perf_counter()
    report = runtime.imports.run_local(ctx, path, params)
    seconds = time.perf_counter() - started
    assert (report["created"], report["failed"]) == (params["total"], 0), report
    print(json.dumps({"rows": report["created"], "seconds": seconds, "baseline_rate": baseline,
                      "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    runtime.dispose()


def measure(backend, postgres_url, path):
    with scratch_database(backend, postgres_url) as url:
        out = subprocess.run([sys.executable, __file__, "--child", url, path], check=True, capture_output=True,
                             text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argument_parser(__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[100000, 500000])
    parser.set_defaults(repeat=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tessera-bench-import-") as folder:
        files = {}
        for size in args.rows:
            files[size] = os.path.join(folder, f"leads-{size}.csv")
            write_csv(files[size], size)
        for backend in backends(args):
            peaks = {}
            for size in args.rows:
                runs = [measure(backend, args.postgres_url, files[size]) for _ in range(args.repeat)]
                rate = median([r["rows"] / r["seconds"] for r in runs])
                base = median([r["baseline_rate"] for r in runs])
                peaks[size] = median([r["peak_kb"] for r in runs]) / 1024
                print(f"{backend:10} {size:>8} rows: {rate:8.0f} rows/s (create_many {base:8.0f} rows/s, "
                      f"ratio {rate / base:.2f}), peak memory {peaks[size]:.0f} MB")
            ratio = peaks[max(args.rows)] / peaks[min(args.rows)]
            print(f"{backend:10} memory at {max(args.rows)} rows / at {min(args.rows)} rows: {ratio:.2f} "
                  f"(target ≤ {MEMORY_TARGET}) {verdict(ratio <= MEMORY_TARGET)}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
