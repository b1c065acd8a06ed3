"""The OpenAPI 3.1 document describes the API, including every published object."""

from tests.helpers import define, object_doc

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "required": True, "max_length": 80, "label": {"en": "Title"}},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", {"value": "Won"}]},
    {"name": "products", "type": "multi_picklist", "options": ["Pumps", "Valves"]},
    {"name": "account", "type": "lookup", "target": "account"},
    {"name": "close", "type": "date"},
    {"name": "signed_at", "type": "datetime"},
    {"name": "hot", "type": "boolean"},
    {"name": "number", "type": "auto_number", "format": "D-{0000}"},
    label={"en": "Deal", "zh-CN": "交易"},
)
ACCOUNT = object_doc("account", {"name": "name", "type": "text"})


def openapi(api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolvable $ref {ref}"
        node = node[part]
    return node


def all_refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from all_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from all_refs(item)


def assert_structurally_sane(document):
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] and document["info"]["version"]
    assert document["paths"]
    for path, item in document["paths"].items():
        assert path.startswith("/")
        operations = {k: v for k, v in item.items() if k in HTTP_METHODS}
        assert operations, f"{path} has no operations"
        assert set(item) <= HTTP_METHODS | {"parameters", "summary", "description", "servers", "$ref"}
        templated = {p.strip("{}") for p in path.split("/") if p.startswith("{")}
        for method, operation in operations.items():
            assert operation["responses"], f"{method} {path} has no responses"
            for status in operation["responses"]:
                assert status == "default" or (len(status) == 3 and status[0] in "12345"), status
            declared = {p["name"] for p in item.get("parameters", []) + operation.get("parameters", [])
                        if p["in"] == "path"}
            assert declared == templated, (method, path, declared, templated)
    for ref in all_refs(document):
        resolve(document, ref)


def test_the_document_is_openapi_3_1_and_structurally_sane_before_any_publish(api):
    document = openapi(api)
    assert document["openapi"] == "3.1.0"
    assert_structurally_sane(document)
    assert "/api/v1/metadata/publish" in document["paths"]
    assert not any(p.startswith("/api/v1/objects/") for p in document["paths"])


def test_each_published_object_has_its_schema_and_paths(api):
    assert define(api, ACCOUNT, DEAL).status_code == 200
    document = openapi(api)
    assert_structurally_sane(document)
    for name in ("deal", "account"):
        assert name in document["components"]["schemas"]
        assert {"get", "post"} <= set(document["paths"][f"/api/v1/objects/{name}/records"])
        assert {"get", "patch", "delete"} <= set(document["paths"][f"/api/v1/objects/{name}/records/{{id}}"])
        assert "get" in document["paths"][f"/api/v1/objects/{name}/records/{{id}}/history"]


def test_the_record_schema_describes_each_field_as_the_api_returns_it(api):
    define(api, ACCOUNT, DEAL)
    schema = openapi(api)["components"]["schemas"]["deal"]
    props = schema["properties"]
    assert schema["description"] == "Deal"
    assert set(schema["required"]) == {"id", "version", "owner", "created_at", "updated_at"}
    assert {"id", "version", "created_at", "updated_at"} <= set(props)
    assert props["id"]["readOnly"] is True
    assert props["title"]["maxLength"] == 80 and props["title"]["title"] == "Title"
    assert "string" in props["amount"]["type"] and props["amount"]["pattern"]
    assert props["stage"]["enum"] == ["Open", "Won", None]
    assert props["products"]["items"]["enum"] == ["Pumps", "Valves"]
    assert "array" in props["products"]["type"]
    assert "integer" in props["account"]["type"]
    assert props["close"]["format"] == "date" and props["signed_at"]["format"] == "date-time"
    assert "boolean" in props["hot"]["type"]
    assert props["number"]["readOnly"] is True
    assert props["title"]["type"] == "string" and "null" in props["amount"]["type"]


def test_the_list_route_names_each_equality_filter(api):
    define(api, ACCOUNT, DEAL)
    parameters = openapi(api)["paths"]["/api/v1/objects/deal/records"]["get"]["parameters"]
    names = {p["name"] for p in parameters}
    assert {"filter", "sort", "fields", "cursor", "limit"} <= names
    assert {"title", "amount", "stage", "products", "account", "close", "signed_at", "hot", "number"} <= names


def test_a_new_publish_changes_the_document(api):
    define(api, ACCOUNT, DEAL)
    before = openapi(api)
    assert "region" not in before["components"]["schemas"]["account"]["properties"]
    assert define(api, object_doc("account", {"name": "name", "type": "text"},
                                  {"name": "region", "type": "picklist", "options": ["East", "West"]})).status_code == 200
    after = openapi(api)
    assert after["components"]["schemas"]["account"]["properties"]["region"]["enum"] == ["East", "West", None]
    assert after["info"]["version"] != before["info"]["version"]
    assert_structurally_sane(after)


def test_a_deleted_object_leaves_the_document(api):
    define(api, ACCOUNT, DEAL)
    api.delete("/api/v1/metadata/object/deal")
    assert api.post("/api/v1/metadata/publish").status_code == 200
    document = openapi(api)
    assert "deal" not in document["components"]["schemas"]
    assert "/api/v1/objects/deal/records" not in document["paths"]


def test_drafts_do_not_appear_before_they_are_published(api):
    define(api, ACCOUNT)
    api.put("/api/v1/metadata/object/deal", json=DEAL)
    document = openapi(api)
    assert "deal" not in document["components"]["schemas"]


def test_errors_are_documented_as_problem_documents(api):
    document = openapi(api)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["properties"])
    operation = document["paths"]["/api/v1/metadata/plan"]["get"]
    assert "application/problem+json" in operation["responses"]["default"]["content"]


def test_the_document_declares_bearer_authentication_and_a_public_health_check(api):
    document = openapi(api)
    schemes = document["components"]["securitySchemes"]
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert document["security"]
    assert document["paths"]["/api/v1/health"]["get"]["security"] == []


def test_two_apps_on_different_databases_each_describe_their_own_model(api, tmp_path):
    """The document is cached per revision; a second app at the same revision must not see the first's."""
    from tessera.platform import create_app
    from tessera.runtime.identity.users import create_token, create_user
    from tests.conftest import Api

    define(api, ACCOUNT)
    assert "account" in openapi(api)["components"]["schemas"]
    other = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}", "TESTING": True})
    try:
        with other.extensions["tessera"].write() as conn:
            token = create_token(conn, create_user(conn, "admin", is_admin=True))
        other_api = Api(other.test_client(), token)
        define(other_api, object_doc("project", {"name": "name", "type": "text"}))
        schemas = openapi(other_api)["components"]["schemas"]
        assert "project" in schemas and "account" not in schemas
        schemas = openapi(api)["components"]["schemas"]
        assert "account" in schemas and "project" not in schemas
    finally:
        other.extensions["tessera"].dispose()
