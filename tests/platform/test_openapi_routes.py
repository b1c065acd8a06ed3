"""The OpenAPI document equals the URL map, validates, and names every operation."""

import re

import pytest
from flask import Blueprint
from openapi_spec_validator import validate
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tessera.platform import create_app, hookimpl
from tessera.platform.api import PUBLIC_ENDPOINTS
from tessera.platform.demo import load_demo
from tessera.platform.openapi import operation
from tessera.platform.openapi.declare import declaration
from tests.conftest import Api

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def crm(app):
    """The app with the example CRM published, and an administrator's client."""
    token = load_demo(app.extensions["tessera"])
    return app, Api(app.test_client(), token)


def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(doc):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def concrete_urls(app, objects):
    """(method, URL) for every method of every rule under /api/, one URL per object where a rule takes one."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        samples = [{}] if "object_name" not in rule.arguments else [{"object_name": n} for n in objects]
        for sample in samples:
            values = {a: sample.get(a, 1 if a.endswith("_id") else "x") for a in rule.arguments}
            for method in (m for m in METHODS if m.upper() in rule.methods):
                yield method, adapter.build(rule.endpoint, values, method=method.upper())


def template_regex(path):
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


def test_every_url_rule_under_api_is_in_the_document(crm):
    app, admin = crm
    doc = document(admin)
    templates = [(template_regex(p), m) for p, m, _ in operations(doc)]
    missing = [(method, url) for method, url in concrete_urls(app, ["account", "contract", "opportunity"])
               if not any(regex.match(url) and m == method for regex, m in templates)]
    assert missing == []


def test_every_documented_operation_is_served(crm):
    app, admin = crm
    adapter = app.url_map.bind("localhost")
    unserved = []
    for path, method, _ in operations(document(admin)):
        url = re.sub(r"\{id\}", "1", path)
        url = re.sub(r"\{[^}]+\}", "x", url)
        try:
            adapter.match(url, method=method.upper())
        except (NotFound, MethodNotAllowed):
            unserved.append((method, path))
    assert unserved == []


def test_the_formula_routes_are_documented(crm):
    paths = document(crm[1])["paths"]
    assert paths["/api/v1/formula/check"]["post"]["operationId"] == "checkFormula"
    assert paths["/api/v1/formula/evaluate"]["post"]["operationId"] == "evaluateFormula"
    body = paths["/api/v1/formula/evaluate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["object", "expression"] and "record_id" in body["properties"]
    assert "filter" in body["properties"]["context"]["enum"]


def test_the_demo_document_is_valid_openapi_3_1(crm):
    validate(document(crm[1]))


def test_every_operation_has_a_unique_operation_id_and_a_tag(crm):
    ops = list(operations(document(crm[1])))
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    assert all(op["tags"] and op["summary"] for _, _, op in ops)
    by_id = {op["operationId"]: (path, method, op["tags"]) for path, method, op in ops}
    assert by_id["listOpportunityRecords"] == ("/api/v1/objects/opportunity/records", "get", ["opportunity"])
    assert by_id["updateAccountRecord"] == ("/api/v1/objects/account/records/{id}", "patch", ["account"])
    assert by_id["getUser"] == ("/api/v1/users/{id}", "get", ["users"])


def test_every_route_of_tessera_declares_its_operation(crm):
    app, _ = crm
    undeclared = sorted(rule.endpoint for rule in app.url_map.iter_rules()
                        if rule.endpoint.startswith("api.") and declaration(app.view_functions[rule.endpoint]) is None)
    assert undeclared == []


def test_the_public_operations_are_exactly_the_unauthenticated_endpoints(crm):
    app, admin = crm
    public = {(p, m) for p, m, op in operations(document(admin)) if op.get("security") == []}
    adapter = app.url_map.bind("localhost")
    endpoints = {adapter.match(path, method=method.upper())[0] for path, method in public}
    assert endpoints == set(PUBLIC_ENDPOINTS)


def test_each_object_has_separate_read_create_and_update_schemas(crm):
    schemas = document(crm[1])["components"]["schemas"]
    read, create, update = (schemas[f"opportunity{s}"] for s in ("", "_create", "_update"))
    assert create["required"] == ["title"]  # stage is required too, but has a default
    assert "required" not in update
    assert {"id", "version", "created_at"} <= set(read["properties"])
    assert not {"id", "created_at", "owner"} & set(create["properties"])
    assert "version" in update["properties"] and "version" not in create["properties"]
    assert create["additionalProperties"] is False and update["additionalProperties"] is False
    page = schemas["opportunity_page"]["properties"]["items"]["items"]
    assert page == {"$ref": "#/components/schemas/opportunity"}


def test_an_empty_picklist_is_valid_by_the_schema_and_a_required_one_is_not(crm):
    schemas = document(crm[1])["components"]["schemas"]
    industry = schemas["account"]["properties"]["industry"]
    assert industry["type"] == ["string", "null"] and None in industry["enum"]
    stage = schemas["opportunity"]["properties"]["stage"]
    assert stage["type"] == "string" and None not in stage["enum"]
    products = schemas["opportunity_update"]["properties"]["products"]
    assert products["type"] == ["array", "null"] and None not in products["items"]["enum"]


def test_errors_are_documented_as_problem_documents_on_every_operation(crm):
    for _, _, op in operations(document(crm[1])):
        content = op["responses"]["default"]["content"]
        assert content == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_a_patch_names_only_what_changes(crm):
    operation_ = document(crm[1])["paths"]["/api/v1/objects/opportunity/records/{id}"]["patch"]
    body = operation_["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/opportunity_update"}


def test_admin_only_operations_are_marked_and_left_out_for_other_callers(crm):
    from tessera.runtime.identity.users import create_token, create_user

    app, admin = crm
    admin_only = {(p, m) for p, m, op in operations(document(admin)) if op.get("x-tessera-admin-only")}
    assert {("/api/v1/metadata/publish", "post"), ("/api/v1/users", "post")} <= admin_only
    assert ("/api/v1/users/{id}", "get") not in admin_only
    with app.extensions["tessera"].write() as conn:
        token = create_token(conn, create_user(conn, "rep"))
    theirs = {(p, m) for p, m, _ in operations(document(Api(app.test_client(), token)))}
    assert theirs and not theirs & admin_only
    assert ("/api/v1/users/{id}", "get") in theirs


bp = Blueprint("greetings", __name__, url_prefix="/api/v1/greetings")


@bp.get("/<name>")
@operation("greet", "Greet someone by name", tag="greetings",
           returns={"type": "object", "properties": {"hello": {"type": "string"}}})
def greet(name):
    return {"hello": name}


@bp.get("/plain")
def plain():
    """A route that declares nothing."""
    return {"plain": True}


class GreetingRoutes:
    @hookimpl
    def tessera_register_routes(self, app):
        app.register_blueprint(bp)


def test_a_plugin_route_is_documented_from_its_declaration_or_from_its_endpoint(database_url, tmp_path):
    from tessera.runtime.identity.users import create_token, create_user

    app = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[GreetingRoutes()])
    try:
        with app.extensions["tessera"].write() as conn:
            token = create_token(conn, create_user(conn, "admin", is_admin=True))
        client = Api(app.test_client(), token)
        paths = document(client)["paths"]
        assert paths["/api/v1/greetings/{name}"]["get"]["operationId"] == "greet"
        assert paths["/api/v1/greetings/{name}"]["get"]["parameters"][0]["name"] == "name"
        assert paths["/api/v1/greetings/plain"]["get"]["summary"] == "A route that declares nothing."
        assert paths["/api/v1/greetings/plain"]["get"]["tags"] == ["greetings"]
        assert client.get("/api/v1/greetings/ada").get_json() == {"hello": "ada"}
    finally:
        app.extensions["tessera"].dispose()
