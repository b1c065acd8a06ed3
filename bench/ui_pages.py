"""Server time of the web app's pages: list, record and form pages over a large object,
the approval inbox and the performance dashboard.

The opportunity table is filled with raw INSERT ... SELECT (the deals spread over 200 reps
of a team, closing over 700 days from 2024-01-01: about 130,000 deals a quarter at 1M
rows), its ``close_date`` indexed (as an admin marks the field KPIs date by), a 2-KPI
quarterly scheme (won revenue, won deals) measuring the team with a target per rep, and an
approval flow with 30 pending requests in the administrator's inbox. Then the administrator
signs in through the session login and the Flask test client (no HTTP server in between)
requests each page again and again: the list (first page, sorted by -amount, filtered
by a formula, the next page through its cursor; each with the count), a record page (with
history and the approval timeline), an edit form, the inbox, one rep's dashboard of 2025-Q2
(scorecard, the leaderboard of 200, a trend of four quarters, insights with the open deals)
and the explanation of its revenue (first page of the records behind it).

    .venv/bin/python bench/ui_pages.py --database sqlite
    .venv/bin/python bench/ui_pages.py --database both --rows 1000000

Baselines measured in the same run: the dashboard is also timed against the scorecard API
alone (``GET /api/v1/scorecards`` of the same rep and period, which computes the whole
board for the rank), and the explanation against ``GET /api/v1/scorecards/explain``: the
ratio is what the page adds to the engine's answer.

Target (issue 12): every page rendered in under 150 ms.
"""

import re

from common import (OPPORTUNITY, analyze, argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime,
                    publish_crm, publish_documents, scratch_database, timed, verdict)

from tessera.platform import create_app
from tessera.runtime.identity.units import create_unit
from tessera.runtime.identity.users import create_user
from tessera.runtime.identity.users import set_password

TARGET = 0.150
PERIOD = "2025-Q2"
INBOX = 30
DATED = {**OPPORTUNITY, "fields": [{**f, "indexed": True} if f["name"] == "close_date" else f
                                   for f in OPPORTUNITY["fields"]]}
KPI = {"kind": "kpi", "object": "opportunity", "date_field": "close_date", "credit": {"user_field": "owner"},
       "filter": 'stage = "Won"'}
KPIS = [{**KPI, "name": "revenue", "label": {"en": "Revenue"}, "measure": "SUM(amount)", "unit": "currency"},
        {**KPI, "name": "won_deals", "label": {"en": "Deals won"}, "measure": "COUNT()", "scale": 0}]
SCHEME = {"kind": "kpi_scheme", "name": "bench", "period_type": "quarter", "effective_from": "2024-01-01",
          "applies_to": {"teams": ["sales"]}, "leaderboard": "all",
          "items": [{"kpi": "revenue", "weight": 0.6}, {"kpi": "won_deals", "weight": 0.4}]}
REPS = 200


def flow(admin_id):
    """A one-step flow whose approver is the administrator."""
    return {"kind": "approval_flow", "name": "bench", "object": "opportunity",
            "steps": [{"name": "review", "approvers": [{"user": admin_id}]}]}


def add_reps(runtime):
    """REPS reps in team ``sales`` owning the deals round-robin; return the first rep's id."""
    with runtime.write() as conn:
        team = create_unit(conn, "team", "sales")["id"]
        reps = [create_user(conn, f"rep{i:03d}") for i in range(REPS)]
        conn.exec_driver_sql(f"UPDATE tessera_user SET team_id = {team} WHERE id >= {reps[0]}")
        modulo = "%" if conn.dialect.name == "sqlite" else "%%"  # psycopg takes a lone % for a placeholder
        conn.exec_driver_sql(f"UPDATE obj_opportunity SET owner_id = {reps[0]} + (id {modulo} {REPS})")
    analyze(runtime, "obj_opportunity")
    return reps[0]


def add_work(runtime, ctx):
    """Spread the deals over the reps; index close_date; publish the KPIs, the scheme and the flow;
    set each rep's targets for every quarter the trend shows; submit INBOX deals for approval.
    Return the first rep's id."""
    rep = add_reps(runtime)
    publish_documents(runtime, [DATED, *KPIS, SCHEME, flow(ctx.user_id)])
    rows = [f"{kpi},rep{i:03d},,{year}-Q{q},{value}" for kpi, value in (("revenue", 25000), ("won_deals", 90))
            for i in range(REPS) for year in (2024, 2025) for q in (1, 2, 3, 4)]
    runtime.performance.targets.import_csv(ctx, "kpi,user,team,period,value\n" + "\n".join(rows) + "\n")
    for record_id in range(1, INBOX + 1):
        runtime.approvals.submit(ctx, "opportunity", record_id, {"comment": "bench"})
    return rep

BASE = "https://localhost"
PASSWORD = "bench password 1"


def signed_in_client(app):
    """A test client holding the administrator's session cookie."""
    client = app.test_client()
    response = client.post(f"{BASE}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client


def pages(client, record_id, rep):
    """The pages to time: (name, path)."""
    first = client.get(f"{BASE}/app/o/opportunity?sort=-amount").get_data(as_text=True)
    cursor = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    return [("list, first page", "/app/o/opportunity"),
            ("list, sort=-amount", "/app/o/opportunity?sort=-amount"),
            ("list, next page (cursor)", cursor),
            ('list, filter stage = "Won"', "/app/o/opportunity?filter=stage%20%3D%20%22Won%22"),
            ("record page", f"/app/o/opportunity/{record_id}"),
            ("record page, approval pending", "/app/o/opportunity/1"),
            ("edit form", f"/app/o/opportunity/{record_id}/edit"),
            ("approval inbox", "/app/approvals"),
            (f"a rep's dashboard {PERIOD}", f"/app/performance?user={rep}&period={PERIOD}"),
            ("explanation of revenue", f"/app/performance/explain?user={rep}&period={PERIOD}&kpi=revenue")]


def baselines(rep):
    """The API answers the dashboard and the explanation are built on: {page name: (name, path)}."""
    return {f"a rep's dashboard {PERIOD}": ("API scorecard", f"/api/v1/scorecards?user={rep}&period={PERIOD}"),
            "explanation of revenue": ("API explain", f"/api/v1/scorecards/explain?user={rep}&period={PERIOD}"
                                                      "&kpi=revenue&limit=25")}


def median_time(client, path, repeat):
    """Median seconds of ``repeat`` GETs of ``path`` (after one warm-up)."""
    client.get(BASE + path)
    times = []
    for _ in range(repeat):
        took, response = timed(client.get, BASE + path)
        assert response.status_code == 200, (path, response.status_code)
        times.append(took)
    return median(times)


def bench_backend(backend, args):
    """Fill the table, then time each page on one backend."""
    with scratch_database(backend, args.postgres_url) as url:
        runtime, ctx = new_runtime(url)
        app = None
        try:
            account_ids = publish_crm(runtime, ctx, accounts=1)
            with runtime.write() as conn:
                set_password(conn, ctx, ctx.user_id, PASSWORD)
            seconds, _ = timed(fill_opportunities, runtime, "obj_opportunity", args.rows, 1, account_ids[0],
                               ctx.user_id)
            took, rep = timed(add_work, runtime, ctx)
            seconds += took
            print(f"{backend}: {args.rows} rows (filled in {seconds:.1f} s), median of {args.repeat} requests each")
            app = create_app({"DATABASE_URL": url})
            client = signed_in_client(app)
            base = baselines(rep)
            for name, path in pages(client, args.rows // 2, rep):
                took = median_time(client, path, args.repeat)
                print(f"  {name:<30}: {fmt_ms(took):>12}   target < {fmt_ms(TARGET)}: {verdict(took < TARGET)}")
                if name in base:
                    api_name, api_path = base[name]
                    api = median_time(client, api_path, args.repeat)
                    print(f"    {api_name:<28}: {fmt_ms(api):>12}   page / API: {took / api:.2f}x")
        finally:
            if app is not None:
                app.extensions["tessera"].dispose()
            runtime.dispose()


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the opportunity table")
    parser.set_defaults(repeat=15)
    args = parser.parse_args()
    for backend in backends(args):
        bench_backend(backend, args)


if __name__ == "__main__":
    main()
