"""Server time of the web app's pages: list, record and form pages over a large object.

The opportunity table is filled with raw INSERT ... SELECT, then an administrator signs
in through the session login and the Flask test client (no HTTP server in between)
requests each page again and again: the list (first page, sorted by -amount, filtered
by a formula, the next page through its cursor; each with the count), a record page (with
history) and an edit form.

    .venv/bin/python bench/ui_pages.py --database sqlite
    .venv/bin/python bench/ui_pages.py --database both --rows 1000000

Target (issue 12): every page rendered in under 150 ms.
"""

import re

from common import (argument_parser, backends, fill_opportunities, fmt_ms, median, new_runtime, publish_crm,
                    scratch_database, timed, verdict)

from tessera.platform import create_app
from tessera.runtime.identity.users import set_password

TARGET = 0.150
BASE = "https://localhost"
PASSWORD = "bench password 1"


def signed_in_client(app):
    """A test client holding the administrator's session cookie."""
    client = app.test_client()
    response = client.post(f"{BASE}/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client


def pages(client, record_id):
    """The pages to time: (name, path)."""
    first = client.get(f"{BASE}/app/o/opportunity?sort=-amount").get_data(as_text=True)
    cursor = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    return [("list, first page", "/app/o/opportunity"),
            ("list, sort=-amount", "/app/o/opportunity?sort=-amount"),
            ("list, next page (cursor)", cursor),
            ('list, filter stage = "Won"', "/app/o/opportunity?filter=stage%20%3D%20%22Won%22"),
            ("record page", f"/app/o/opportunity/{record_id}"),
            ("edit form", f"/app/o/opportunity/{record_id}/edit")]


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
            print(f"{backend}: {args.rows} rows (filled in {seconds:.1f} s), median of {args.repeat} requests each")
            app = create_app({"DATABASE_URL": url})
            client = signed_in_client(app)
            for name, path in pages(client, args.rows // 2):
                client.get(BASE + path)  # warm-up
                times = []
                for _ in range(args.repeat):
                    took, response = timed(client.get, BASE + path)
                    assert response.status_code == 200, (path, response.status_code)
                    times.append(took)
                took = median(times)
                print(f"  {name:<28}: {fmt_ms(took):>12}   target < {fmt_ms(TARGET)}: {verdict(took < TARGET)}")
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
