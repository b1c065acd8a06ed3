"""Instructions per GET by id, Tessera vs the bare Flask app, counted by valgrind's callgrind.

A deterministic companion of ``get_by_id.py``: wall-clock figures move with the load of a
shared machine, instruction counts do not. The script builds the same throw-away database
(a rep's record on three access paths, as ``get_by_id.py`` does), then, for each app and
path, runs a child process under ``valgrind --tool=callgrind`` that calls the WSGI app
directly (no HTTP server, no test client) ``--few`` and then ``--many`` times after a
warm-up; the difference of the two totals divided by the difference of the counts is the
cost of one GET, start-up and warm-up excluded.

    .venv/bin/python bench/get_by_id_callgrind.py --database sqlite
    .venv/bin/python bench/get_by_id_callgrind.py --database both --paths owned

Needs valgrind on PATH (``apt-get install -y valgrind``). A child takes about a minute.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PATHS = ("owned", "shared", "hierarchy")


def wsgi_caller(app, path, headers):
    """A function calling ``app`` once for GET ``path`` and checking it answered 200."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path=path, headers=headers, base_url="http://127.0.0.1:8000").get_environ()
    status = []

    def start_response(line, _headers, _exc_info=None):
        status.append(line)

    def call():
        status.clear()
        body = app(dict(environ), start_response)
        try:
            b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        if not status[0].startswith("200"):
            raise SystemExit(f"GET {path} answered {status[0]}")

    return call


def child(args):
    """Run inside valgrind: build the app, warm it up, then GET ``args.count`` times."""
    if args.app == "bare":
        sys.path.insert(0, str(BENCH))
        os.environ["BENCH_DATABASE_URL"] = args.url
        import bare_flask_app

        call = wsgi_caller(bare_flask_app.create_app(), f"/records/{args.record}", {})
    else:
        sys.path.insert(0, str(BENCH.parent))
        from tessera.platform import create_app

        call = wsgi_caller(create_app({"DATABASE_URL": args.url}), f"/api/v1/objects/opportunity/records/{args.record}",
                           {"Authorization": f"Bearer {args.token}"})
    for _ in range(args.warmup):
        call()
    for _ in range(args.count):
        call()


def instructions(url, app, record, token, count, warmup, workdir):
    """Total instructions of one child process doing ``count`` GETs."""
    out = Path(workdir) / f"callgrind.{app}.{count}.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, __file__,
               "--child", "--url", url, "--app", app, "--record", str(record), "--token", token or "",
               "--count", str(count), "--warmup", str(warmup)]
    subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    text = out.read_text(errors="replace")
    return int(re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE).group(1))


def per_get(url, app, record, token, args, workdir):
    """Instructions of one GET: (many - few) / (many - few GETs)."""
    few = instructions(url, app, record, token, args.few, args.warmup, workdir)
    many = instructions(url, app, record, token, args.many, args.warmup, workdir)
    return (many - few) / (args.many - args.few)


def parent(args):
    from common import backends, scratch_database

    import get_by_id

    for backend in backends(args):
        with scratch_database(backend, args.postgres_url) as url, tempfile.TemporaryDirectory() as workdir:
            record, tokens = get_by_id.prepare(url, argparse.Namespace(rows=args.rows, caller="rep"))
            bare = per_get(url, "bare", record, None, args, workdir)
            print(f"{backend}: instructions per GET (callgrind, {args.many} - {args.few} GETs)")
            print(f"  bare     : {bare / 1e6:6.3f} M")
            for path in args.paths:
                cost = per_get(url, "tessera", record, tokens[path], args, workdir)
                print(f"  {path:<9}: {cost / 1e6:6.3f} M  ({cost / bare:.2f} x bare; bare/tessera {bare / cost:.1%})",
                      flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "TESSERA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS), help="access paths to count")
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the opportunity table")
    parser.add_argument("--few", type=int, default=20, help="GETs of the short run")
    parser.add_argument("--many", type=int, default=220, help="GETs of the long run")
    parser.add_argument("--warmup", type=int, default=30, help="untimed GETs before either run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--url", "--app", "--record", "--token", "--count"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.record, args.count, args.warmup = int(args.record), int(args.count), int(args.warmup)
        child(args)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not on PATH (apt-get install -y valgrind)")
    parent(args)


if __name__ == "__main__":
    main()
