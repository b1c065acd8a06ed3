"""Inbound endpoints: upserts per second through ``POST /api/v1/inbound/{name}`` versus plain
record creates per second through ``POST /api/v1/objects/lead/records``, in the same run.

An app (Flask test client, in process, so no HTTP server's cost blurs the comparison) on a
throw-away database publishes a ``lead`` object with a unique ``external_ref`` and the
endpoint of the issue's contract. The same token sends, in alternating chunks of
``--chunk`` requests:

- ``create``: plain creates of new leads (the records API);
- ``inbound new``: payloads with new external ids (the endpoint maps, looks the id up, creates);
- ``inbound again``: the same payloads sent again (the endpoint finds and updates, nothing changes).

Each side's rate is the median over ``--repeat`` rounds; the ratios are inbound / create.

    .venv/bin/python bench/inbound.py --database both
    .venv/bin/python bench/inbound.py --database both --requests 2000 --repeat 5

No target is set; the aim is ≥ 0.7 of the plain create rate.
"""

import time

from common import argument_parser, backends, median, new_token, scratch_database, verdict
from tessera.platform import create_app
from tessera.runtime.identity.users import create_user

AIM = 0.70
LEAD = {"kind": "object", "name": "lead", "fields": [
    {"name": "external_ref", "type": "text", "unique": True, "max_length": 64},
    {"name": "company", "type": "text", "required": True, "max_length": 200},
    {"name": "email", "type": "email"}]}
WEB_LEADS = {"kind": "inbound_endpoint", "name": "web_leads", "object": "lead", "external_id": "external_ref",
             "mapping": {"external_ref": "/id", "company": "/company/name", "email": "/contact/email"}}


def setup(url):
    """An app on ``url`` with lead and web_leads published; (app, client, headers)."""
    app = create_app({"DATABASE_URL": url})
    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        admin_id = create_user(conn, "admin", is_admin=True)
    headers = {"Authorization": f"Bearer {new_token(runtime, admin_id)}"}
    client = app.test_client()
    for doc in (LEAD, WEB_LEADS):
        assert client.put(f"/api/v1/metadata/{doc['kind']}/{doc['name']}", json=doc, headers=headers).status_code == 200
    assert client.post("/api/v1/metadata/publish", json={}, headers=headers).status_code == 200
    return app, client, headers


def send(client, headers, path, bodies, status):
    """POST every body to ``path``; return seconds. Every answer must carry ``status``."""
    start = time.perf_counter()
    for body in bodies:
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code == status, (path, answer.status_code, answer.get_json())
    return time.perf_counter() - start


def one_round(client, headers, round_no, requests, chunk):
    """Rates (per second) of the three sides over ``requests`` each, interleaved by chunk."""
    seconds = {"create": 0.0, "inbound new": 0.0, "inbound again": 0.0}
    for first in range(0, requests, chunk):
        numbers = range(first, min(first + chunk, requests))
        plain = [{"external_ref": f"P{round_no}-{i}", "company": f"Plain {i}", "email": f"p{i}@example.com"}
                 for i in numbers]
        inbound = [{"id": f"I{round_no}-{i}", "company": {"name": f"Inbound {i}"}, "contact": {"email": f"i{i}@example.com"}}
                   for i in numbers]
        seconds["create"] += send(client, headers, "/api/v1/objects/lead/records", plain, 201)
        seconds["inbound new"] += send(client, headers, "/api/v1/inbound/web_leads", inbound, 201)
        seconds["inbound again"] += send(client, headers, "/api/v1/inbound/web_leads", inbound, 200)
    return {side: requests / s for side, s in seconds.items()}


def run(backend, args):
    with scratch_database(backend, args.postgres_url) as url:
        app, client, headers = setup(url)
        try:
            one_round(client, headers, "warm", min(args.chunk, args.requests), args.chunk)
            rounds = [one_round(client, headers, n, args.requests, args.chunk) for n in range(args.repeat)]
        finally:
            app.extensions["tessera"].dispose()
    rates = {side: median([r[side] for r in rounds]) for side in rounds[0]}
    print(f"\n{backend}: {args.requests} requests per side, chunks of {args.chunk}, median of {args.repeat}")
    for side, rate in rates.items():
        print(f"  {side:<14} {rate:8.1f} requests/s")
    for side in ("inbound new", "inbound again"):
        ratio = rates[side] / rates["create"]
        print(f"  {side} / create: {ratio:.2f}  (aim ≥ {AIM:.2f}: {verdict(ratio >= AIM)})")


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="requests per side and round")
    parser.add_argument("--chunk", type=int, default=50, help="requests sent by one side before the next goes")
    args = parser.parse_args()
    for backend in backends(args):
        run(backend, args)


if __name__ == "__main__":
    main()
