"""Every route of the API needs authentication, except logging in and the health check; every
page of the web app sends an anonymous visitor to its login page."""

import re

import pytest

from tests.identity.conftest import url
from tests.platform.support import assert_problem

PUBLIC_ENDPOINTS = {"api.health", "api.auth_login"}
SAMPLES = {"kind": "object", "name": "vp", "object_name": "opportunity", "record_id": "1", "user_id": "1",
           "token_id": "1", "id": "1", "object": "opportunity"}


def concrete(path):
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLES.get(m.group(1), "x"), path)
    return re.sub(r"\{([^}]+)\}", lambda m: SAMPLES.get(m.group(1), "x"), path)


def url_map_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, concrete(rule.rule)


def openapi_routes(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or operation.get("security") == []:
                continue
            yield method.upper(), concrete(path)


def call(client, method, path, headers=None):
    body = {"title": "x"} if method in ("POST", "PUT", "PATCH") else None
    return client.open(path, method=method, json=body, headers=headers or {})


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer tsr_" + "B" * 43}, {"Cookie": "tessera_session=" + "f" * 43}])
def test_anonymous_requests_to_every_route_get_401(org, headers):
    client = org.app.test_client()
    routes = set(url_map_routes(org.app)) | set(openapi_routes(org.admin.get("/api/v1/openapi.json").get_json()))
    assert len(routes) > 40
    for method, path in sorted(routes):
        assert_problem(call(client, method, path, headers), 401, "unauthenticated")
    assert org.admin.get(url()).get_json()["items"] == []


def test_the_openapi_document_lists_every_identity_route(org):
    paths = org.admin.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/users/me", "/api/v1/tokens", "/api/v1/audit", "/api/v1/roles/{name}",
                 "/api/v1/objects/opportunity/records/{id}/transfer", "/api/v1/objects/opportunity/records/{id}/share"):
        assert path in paths
    assert paths["/api/v1/auth/login"]["post"]["security"] == []


def test_unknown_api_paths_answer_401_to_strangers_and_404_to_users(org):
    assert_problem(org.app.test_client().get("/api/v1/no/such/thing"), 401)
    assert_problem(org["alice"].get("/api/v1/no/such/thing"), 404)


def test_login_and_health_need_no_authentication(org):
    client = org.app.test_client()
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"
    body = assert_problem(client.post("/api/v1/auth/login", json={"username": "x", "password": "y"}),
                          401, "unauthenticated")
    assert body["detail"] == "the username or password is wrong"


OPEN_PAGES = {"ui.login", "ui.static", "static"}  # Flask's own /static serves nothing here


@pytest.mark.parametrize("headers", [{}, {"Cookie": "tessera_session=" + "f" * 43}])
def test_anonymous_requests_to_every_page_of_the_app_go_to_the_login_page(org, headers):
    client = org.app.test_client()
    pages = [rule for rule in org.app.url_map.iter_rules()
             if not rule.rule.startswith("/api/") and rule.endpoint not in OPEN_PAGES]
    assert len(pages) >= 5
    for rule in pages:
        response = client.get(concrete(rule.rule), headers=headers)
        assert response.status_code == 302, rule.rule
        assert response.location.startswith(("/app/login?next=", "/app/")), rule.rule
