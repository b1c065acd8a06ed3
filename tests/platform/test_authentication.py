"""Authentication: every route but the health check needs a live bearer token."""

import re

import pytest
import sqlalchemy as sa

from tessera.runtime.identity.users import create_token, create_user
from tessera.runtime.schema.system_tables import token as token_table
from tessera.runtime.schema.system_tables import user as user_table
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, check_each, row_count

#: The API routes anyone may call: the health check, and logging in (which is how one gets
#: credentials in the first place).
PUBLIC = {"/api/v1/health", "/api/v1/auth/login"}
SAMPLE_VALUES = {"kind": "object", "name": "deal", "object_name": "deal"}


def concrete(match):
    converter, name = match.group(1), match.group(2)
    return "1" if converter == "int" else SAMPLE_VALUES.get(name, "x")


def every_route(app):
    """(method, concrete path) for every API rule and method of the app."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:([^:>]+):)?([^>]+)>", concrete, rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path))
    return routes


def call(client, method, path, headers):
    return client.open(path, method=method, json={"title": "x"} if method in ("POST", "PUT", "PATCH") else None,
                       headers=headers)


@pytest.fixture
def published(api, app):
    define(api, object_doc("deal", {"name": "title", "type": "text"}))
    response = api.post("/api/v1/objects/deal/records", json={"title": "kept"})
    assert response.status_code == 201
    return app


def revoke(app, secret):
    from tessera.runtime.identity.users import hash_token
    from tessera.metadata.store import utcnow

    with app.extensions["tessera"].write() as conn:
        conn.execute(sa.update(token_table).where(token_table.c.token_hash == hash_token(secret))
                     .values(revoked_at=utcnow()))


def test_the_route_walk_covers_the_api(app):
    paths = {path for _, path in every_route(app)}
    assert {"/api/v1/objects/deal/records", "/api/v1/objects/deal/records/1", "/api/v1/metadata/publish",
            "/api/v1/metadata/plan", "/api/v1/openapi.json"} <= paths


def test_every_route_except_health_answers_401_without_a_live_token(published, admin_token):
    app = published
    client = app.test_client()
    with app.extensions["tessera"].write() as conn:
        user_id = conn.execute(sa.select(user_table.c.id).where(user_table.c.username == "admin")).scalar_one()
        revoked = create_token(conn, user_id, "to revoke")
    revoke(app, revoked)
    credentials = {
        "no token": {},
        "a wrong token": {"Authorization": "Bearer tsr_" + "A" * 43},
        "a malformed token": {"Authorization": "Bearer not-a-token"},
        "another scheme": {"Authorization": f"Basic {admin_token}"},
        "an empty bearer": {"Authorization": "Bearer "},
        "a revoked token": {"Authorization": f"Bearer {revoked}"},
    }
    routes = [(method, path) for method, path in every_route(app) if path not in PUBLIC]
    assert len(routes) >= 10

    def check(case):
        method, path, kind = case
        assert_problem(call(client, method, path, credentials[kind]), 401, "unauthenticated")

    check_each([(method, path, kind) for kind in credentials for method, path in routes], check)
    assert row_count(app, "deal") == 1
    assert client.get("/api/v1/objects/deal/records/1",
                      headers={"Authorization": f"Bearer {admin_token}"}).get_json()["title"] == "kept"


def test_a_live_token_is_accepted_whatever_the_case_of_the_scheme_and_health_needs_none(app, api, admin_token):
    assert api.get("/api/v1/metadata/revisions").status_code == 200
    assert api.get("/api/v1/openapi.json").status_code == 200
    assert api.get("/api/v1/metadata/plan").status_code == 200
    client = app.test_client()
    assert client.get("/api/v1/metadata/revisions", headers={"Authorization": f"bearer {admin_token}"}).status_code == 200
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_a_revoked_token_stops_working_at_once(app, api, admin_token):
    assert api.get("/api/v1/metadata/revisions").status_code == 200
    revoke(app, admin_token)
    assert_problem(api.get("/api/v1/metadata/revisions"), 401, "unauthenticated")


def test_a_deactivated_users_token_stops_working(app, api):
    with app.extensions["tessera"].write() as conn:
        conn.execute(sa.update(user_table).where(user_table.c.username == "admin").values(active=False))
    assert_problem(api.get("/api/v1/metadata/revisions"), 401, "unauthenticated")


def test_tokens_are_stored_only_as_hashes(app, admin_token):
    with app.extensions["tessera"].read() as conn:
        stored = conn.execute(sa.select(token_table.c.token_hash)).scalars().all()
    assert stored and admin_token not in stored
    assert all(admin_token not in value for value in stored)


def test_a_non_admin_user_may_not_change_metadata_or_records(app, api):
    define(api, object_doc("deal", {"name": "title", "type": "text"}))
    with app.extensions["tessera"].write() as conn:
        secret = create_token(conn, create_user(conn, "rep"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert_problem(client.put("/api/v1/metadata/object/x", json=object_doc("x"), headers=headers), 403,
                   "permission_denied")
    assert_problem(client.post("/api/v1/metadata/publish", headers=headers), 403, "permission_denied")
    assert_problem(client.post("/api/v1/objects/deal/records", json={"title": "x"}, headers=headers), 403,
                   "permission_denied")
    assert row_count(app, "deal") == 0
