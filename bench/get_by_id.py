"""GET one record through the full stack under gunicorn, versus a bare Flask app, with wrk.

The script builds a throw-away database (SQLite file or PostgreSQL schema), publishes
the benchmark model, fills the opportunity table and creates an API token. It then
starts two gunicorn servers on 127.0.0.1, each with 2 sync workers:

- Tessera: ``gunicorn -w 2 'tessera.platform:create_app()'`` with TESSERA_DATABASE_URL,
  serving ``GET /api/v1/objects/opportunity/records/<id>`` (token auth, runtime,
  serialization);
- bare: ``bench/bare_flask_app.py``, one Core SELECT by id rendered as JSON.

It loads each in turn with ``wrk --latency`` (alternating which goes first), stops both
servers and prints requests/s, p50 and p99 (medians of the runs) and the ratio.

    .venv/bin/python bench/get_by_id.py --database sqlite
    .venv/bin/python bench/get_by_id.py --database both --duration 10 --repeat 3

As a rep (the default) Tessera is measured on three access paths to the same record, each
against the same bare figures: the rep reads a record they own (``owned``), another rep
reads it through a manual share (``shared``) and the rep's manager reads it through the role
hierarchy (``hierarchy``). ``--caller admin`` reads it as the administrator.

Targets: Tessera serves at least 70% of the bare requests/s, with a p99 at most 1.5 times
bare's p99, on every path. Needs wrk on PATH (``apt-get install -y wrk``).
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import (argument_parser, backends, fill_opportunities, median, new_runtime, new_token,
                    publish_crm, publish_documents, scratch_database, timed, verdict)

from tessera.runtime.identity.assignments import update_user
from tessera.runtime.identity.principal import context_for_user
from tessera.runtime.identity.units import create_unit
from tessera.runtime.identity.users import create_user
from tessera.runtime.records.shares import share

BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
RATIO_TARGET = 0.70
P99_RATIO_TARGET = 1.5


def _gunicorn_options():
    """Options every server gets: no shared control socket (gunicorn 23+ opens one in ~/.gunicorn)."""
    help_text = subprocess.run([str(GUNICORN), "--help"], capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master started by this script, stopped by its pid."""

    def __init__(self, name, app, env, workers, logdir, chdir=None):
        self.name, self.port = name, free_port()
        command = [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", *_gunicorn_options()]
        if chdir:
            command += ["--chdir", str(chdir)]
        self.log = open(Path(logdir) / f"{name}.log", "w")
        self.process = subprocess.Popen(command + [app], env={**os.environ, **env}, cwd=logdir,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, path, timeout=30.0):
        """Poll ``path`` until it answers 200; raise if the server dies or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} server not ready after {timeout} s; see {self.log.name}")

    def stop(self):
        """SIGTERM the master (it stops its workers); SIGKILL its process group if it lingers."""
        if self.log.closed:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.log.close()


def fetch(url, headers=None):
    """GET ``url``; return (status, parsed JSON body)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output):
    """Pull requests/s, p50 and p99 (ms) and the error counts out of ``wrk --latency`` output."""
    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        return float(match.group(1)) * UNITS[match.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {"rps": rps, "p50": latency(50), "p99": latency(99),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0, "socket_errors": errors.group(0) if errors else ""}


def run_wrk(url, args, headers=(), duration=None):
    """Run wrk against ``url`` and return the parsed figures."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration or args.duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            timeout=(duration or args.duration) + 30).stdout
    return parse_wrk(output)


def in_process(url, token, record_id, samples=500):
    """Without any HTTP server: the SQL of one Tessera GET, and both apps' median time per GET."""
    from sqlalchemy import event

    from tessera.platform import create_app

    sys.path.insert(0, str(BENCH))
    import bare_flask_app

    os.environ["BENCH_DATABASE_URL"] = url
    app = create_app({"DATABASE_URL": url})
    clients = {
        "tessera": (app.test_client(), f"/api/v1/objects/opportunity/records/{record_id}",
                    {"Authorization": f"Bearer {token}"}),
        "bare": (bare_flask_app.create_app().test_client(), f"/records/{record_id}", {}),
    }
    for client, path, headers in clients.values():
        for _ in range(50):
            client.get(path, headers=headers)
    statements = []
    engine = app.extensions["tessera"].engine

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split())[:110])

    event.listen(engine, "before_cursor_execute", remember)
    event.listen(engine, "commit", lambda conn: statements.append("COMMIT"))
    client, path, headers = clients["tessera"]
    client.get(path, headers=headers)
    event.remove(engine, "before_cursor_execute", remember)
    print(f"  SQL of one Tessera GET ({sum(1 for s in statements if s != 'COMMIT' and s != 'BEGIN')} statements):")
    for statement in statements:
        print(f"    {statement}")
    times = {}
    for name, (client, path, headers) in clients.items():
        times[name] = median([timed(client.get, path, headers=headers)[0] for _ in range(samples)])
    print(f"  in-process (Flask test client, no server): tessera {times['tessera'] * 1000:.3f} ms, "
          f"bare {times['bare'] * 1000:.3f} ms per GET, ratio {times['bare'] / times['tessera']:.1%}")
    app.extensions["tessera"].dispose()


REP_RIGHTS = {"kind": "permission_set", "name": "bench_rep",
              "objects": {"opportunity": {"read": True, "edit": True, "fields": {"discount": {"read": False}}}}}


def new_user(runtime, admin, username, roles=()):
    """A user holding the rep permission set (read/edit opportunity, one hidden field) and no
    view-all right, so each GET runs the object, field and record-level checks; return the id."""
    with runtime.write() as conn:
        user_id = create_user(conn, username)
        update_user(conn, admin, user_id, {"permission_sets": ["bench_rep"], "roles": list(roles)})
    return user_id


def new_callers(runtime, admin):
    """The rep who owns the rows, a peer and the rep's manager: {access path: user id}."""
    publish_documents(runtime, [REP_RIGHTS])
    with runtime.write() as conn:
        create_unit(conn, "role", "bench_manager")
        create_unit(conn, "role", "bench_rep", parent="bench_manager")
    return {"owned": new_user(runtime, admin, "rep", ["bench_rep"]),
            "shared": new_user(runtime, admin, "peer", ["bench_rep"]),
            "hierarchy": new_user(runtime, admin, "manager", ["bench_manager"])}


def share_with(runtime, owner_id, record_id, user_id):
    """Share ``record_id`` of the owner with ``user_id`` (read access), as the owner would."""
    with runtime.read() as conn:
        owner = context_for_user(conn, runtime.model(conn), owner_id)
    share(runtime, owner, "opportunity", record_id, {"user": user_id})


def prepare(url, args):
    """Fill the database; return (record id, {access path: token})."""
    runtime, ctx = new_runtime(url)
    try:
        account_ids = publish_crm(runtime, ctx, accounts=5)
        callers = {"admin": ctx.user_id} if args.caller == "admin" else new_callers(runtime, ctx)
        owner = callers.get("owned", ctx.user_id)
        fill_opportunities(runtime, "obj_opportunity", args.rows, 1, account_ids[0], owner)
        record_id = args.rows // 2
        if "shared" in callers:
            share_with(runtime, owner, record_id, callers["shared"])
        return record_id, {path: new_token(runtime, user_id) for path, user_id in callers.items()}
    finally:
        runtime.dispose()


def bench_backend(backend, args):
    """Set up one database, start both servers, load them in turn and print the figures."""
    with scratch_database(backend, args.postgres_url) as url, tempfile.TemporaryDirectory() as logdir:
        record_id, tokens = prepare(url, args)
        if args.in_process:
            in_process(url, next(iter(tokens.values())), record_id)
        servers = []
        try:
            tessera = Server("tessera", "tessera.platform:create_app()", {"TESSERA_DATABASE_URL": url},
                             args.workers, logdir)
            servers.append(tessera)
            bare = Server("bare", "bare_flask_app:create_app()", {"BENCH_DATABASE_URL": url},
                          args.workers, logdir, chdir=BENCH)
            servers.append(bare)
            tessera.wait_ready("/api/v1/health")
            bare.wait_ready("/health")
            targets = {"bare": (bare.url(f"/records/{record_id}"), [])}
            for path, token in tokens.items():
                targets[path] = (tessera.url(f"/api/v1/objects/opportunity/records/{record_id}"),
                                 [f"Authorization: Bearer {token}"])
            measure(backend, args, targets, record_id)
        except Exception:
            for server in servers:
                server.stop()
                tail = Path(server.log.name).read_text(errors="replace").splitlines()[-40:]
                print(f"--- last lines of the {server.name} server log ---", *tail, sep="\n", file=sys.stderr)
            servers = []
            raise
        finally:
            for server in servers:
                server.stop()


def measure(backend, args, targets, record_id):
    """Warm up, then load every target ``args.repeat`` times (rotating the order) and print."""
    for name, (target, headers) in targets.items():
        status, body = fetch(target, dict(h.split(": ", 1) for h in headers))
        assert status == 200 and body["id"] == record_id, (name, status, body)
        run_wrk(target, args, headers, duration=args.warmup)
    print(f"{backend}: GET one opportunity, gunicorn -w {args.workers} (sync), "
          f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, median of {args.repeat}")
    names = list(targets)
    results = {name: [] for name in names}
    for rep in range(args.repeat):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            target, headers = targets[name]
            figures = run_wrk(target, args, headers)
            results[name].append(figures)
            problems = (f"  NON-2XX: {figures['non_2xx']}" if figures["non_2xx"] else "") + \
                       (f"  {figures['socket_errors']}" if figures["socket_errors"] else "")
            print(f"  [{backend}] run {rep + 1} {name:<9}: {figures['rps']:8.0f} req/s  "
                  f"p50 {figures['p50']:6.2f} ms  p99 {figures['p99']:6.2f} ms{problems}", flush=True)
    summary = {name: {key: median([r[key] for r in runs]) for key in ("rps", "p50", "p99")}
               for name, runs in results.items()}
    for name in names:
        s = summary[name]
        print(f"  {name:<9}: {s['rps']:8.0f} req/s  p50 {s['p50']:6.2f} ms  p99 {s['p99']:6.2f} ms")
    for name in names[1:]:
        ratio = median([t["rps"] / b["rps"] for t, b in zip(results[name], results["bare"])])
        p99_ratio = summary[name]["p99"] / summary["bare"]["p99"]
        print(f"  {name:<9}: {ratio:.1%} of bare req/s (target >= {RATIO_TARGET:.0%}: "
              f"{verdict(ratio >= RATIO_TARGET)}), p99 {p99_ratio:.2f} x bare's "
              f"(target <= {P99_RATIO_TARGET}: {verdict(p99_ratio <= P99_RATIO_TARGET)})")


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the opportunity table")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run (full figure: 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of the untimed warm-up run per server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers per server")
    parser.add_argument("--caller", choices=("rep", "admin"), default="rep",
                        help="who GETs: reps on three access paths (owned, shared, role hierarchy) or the admin")
    parser.add_argument("--in-process", action="store_true",
                        help="also show the SQL of one GET and both apps' time per GET without a server")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not on PATH (apt-get install -y wrk)")
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
