"""The OpenAPI document as each caller may see it, with the identity and sharing routes.

The document of a revision is built once (``api/openapi_route``); each request gets a
copy without the objects the caller may not read and without the fields hidden from
them, so a field's name never reaches someone who may not read it.
"""

from functools import wraps

from flask import g

from .jsonio import json_response

PROBLEM = {"$ref": "#/components/schemas/Problem"}
SESSION_SCHEME = {"type": "apiKey", "in": "cookie", "name": "tessera_session"}


def _op(summary, status="200", **extra):
    responses = {status: {"description": summary}, "default": {
        "description": "Problem", "content": {"application/problem+json": {"schema": PROBLEM}}}}
    return {"summary": summary, "responses": responses, **extra}


def _param(name, kind="string"):
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


def identity_paths():
    """The paths of authentication, users, teams, roles, tokens and the audit log."""
    paths = {
        "/api/v1/auth/login": {"post": {**_op("Log in; sets the session cookie"), "security": []}},
        "/api/v1/auth/logout": {"post": _op("End the browser session", "204")},
        "/api/v1/auth/session": {"get": _op("Who is calling, and the CSRF token of a browser session")},
        "/api/v1/users": {"get": _op("List users"), "post": _op("Create a user", "201")},
        "/api/v1/users/me": {"get": _op("Your profile and rights"), "patch": _op("Change your profile")},
        "/api/v1/users/me/password": {"post": _op("Change your password", "204")},
        "/api/v1/users/{id}": {"parameters": [_param("id", "integer")], "get": _op("Read a user"),
                               "patch": _op("Change a user"), "delete": _op("Deactivate a user", "204")},
        "/api/v1/tokens": {"get": _op("Your API tokens"), "post": _op("Create an API token", "201")},
        "/api/v1/tokens/{id}": {"parameters": [_param("id", "integer")], "delete": _op("Revoke a token", "204")},
        "/api/v1/audit": {"get": _op("Search the audit log")},
    }
    for plural, kind in (("teams", "team"), ("roles", "role")):
        paths[f"/api/v1/{plural}"] = {"get": _op(f"List {plural}"), "post": _op(f"Create a {kind}", "201")}
        paths[f"/api/v1/{plural}/{{name}}"] = {
            "parameters": [_param("name")], "get": _op(f"Read a {kind}"), "patch": _op(f"Change a {kind}"),
            "delete": _op(f"Delete a {kind}", "204")}
    return paths


def sharing_paths(name):
    """The transfer and share paths of one object's records."""
    one = f"/api/v1/objects/{name}/records/{{id}}"
    parameters = [_param("id", "integer")]
    return {
        f"{one}/transfer": {"parameters": parameters, "post": _op(f"Transfer a {name} record to a new owner")},
        f"{one}/share": {"parameters": parameters, "get": _op(f"Shares of a {name} record"),
                         "post": _op(f"Share a {name} record", "201"), "delete": _op(f"Stop sharing a {name} record", "204")},
    }


#: Operations only administrators may call: other callers' documents leave them out.
ADMIN_OPERATIONS = {
    "/api/v1/users": ("get", "post"), "/api/v1/users/{id}": ("patch", "delete"), "/api/v1/audit": ("get",),
    "/api/v1/teams": ("post",), "/api/v1/teams/{name}": ("patch", "delete"),
    "/api/v1/roles": ("post",), "/api/v1/roles/{name}": ("patch", "delete"),
}
ADMIN_PREFIX = "/api/v1/metadata/"
METHODS = ("get", "post", "put", "patch", "delete")


def _without_admin_operations(paths):
    for path in [p for p in paths if p.startswith(ADMIN_PREFIX)]:
        del paths[path]
    for path, methods in ADMIN_OPERATIONS.items():
        item = paths.get(path, {})
        for method in methods:
            item.pop(method, None)
        if path in paths and not any(m in item for m in METHODS):
            del paths[path]


def _trim_filters(paths, name, hidden):
    operation = paths.get(f"/api/v1/objects/{name}/records", {}).get("get")
    if operation is not None:
        operation["parameters"] = [p for p in operation.get("parameters", []) if p["name"] not in hidden]


def _trim_schema(schema, hidden):
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k not in hidden}
    schema["required"] = [k for k in schema.get("required", []) if k not in hidden]


def visible_document(doc, ctx, model, readable_objects):
    """Remove from ``doc`` (a fresh copy) every object and field ``ctx`` may not read.

    ``readable_objects`` is the runtime's answer ({object: readable field names}).
    """
    paths, schemas = doc.setdefault("paths", {}), doc.setdefault("components", {}).setdefault("schemas", {})
    paths.update(identity_paths())
    for name, obj in model.objects.items():
        prefix = f"/api/v1/objects/{name}/"
        if name not in readable_objects:
            for path in [p for p in paths if p.startswith(prefix)]:
                del paths[path]
            schemas.pop(name, None)
            continue
        paths.update(sharing_paths(name))
        readable = set(readable_objects[name])
        _trim_filters(paths, name, set(obj.fields) - readable)
        if name in schemas:
            _trim_schema(schemas[name], set(obj.fields) - readable)
    if not ctx.is_admin:
        _without_admin_operations(paths)
    doc["components"].setdefault("securitySchemes", {})["sessionCookie"] = SESSION_SCHEME
    doc["security"] = [{"bearerAuth": []}, {"sessionCookie": []}]
    return doc


def caller_view(view, runtime):
    """Wrap the OpenAPI view so each caller gets the document trimmed to what they may read."""

    @wraps(view)
    def document(*args, **kwargs):
        response = view(*args, **kwargs)
        with runtime.read() as conn:
            model = runtime.model(conn)
        readable = runtime.access.readable_objects(g.ctx, model)
        return json_response(visible_document(response.get_json(), g.ctx, model, readable))

    return document
