"""The OpenAPI document as each caller may see it.

The document of a revision is built once (``api/openapi_route``); each request gets a
copy without the objects the caller may not read, without the fields hidden from them
(so a field's name never reaches someone who may not read it) and, for anyone but an
administrator, without the operations declared ``admin``.
"""

from functools import wraps

from flask import g

from ..jsonio import json_response
from .generate import ADMIN_ONLY
from .objects import SUFFIXES


def _drop_object(doc, name):
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    for path in [p for p in paths if p.startswith(f"/api/v1/objects/{name}/")]:
        del paths[path]
    for suffix in SUFFIXES:
        schemas.pop(f"{name}{suffix}", None)
    doc["tags"] = [tag for tag in doc.get("tags", []) if tag["name"] != name]
    names = schemas.get("ObjectName", {}).get("enum")
    if names is not None:
        schemas["ObjectName"]["enum"] = [n for n in names if n != name]


def _trim_fields(doc, name, hidden):
    operation = doc["paths"].get(f"/api/v1/objects/{name}/records", {}).get("get")
    if operation is not None:
        operation["parameters"] = [p for p in operation.get("parameters", []) if p["name"] not in hidden]
    for suffix in SUFFIXES[:3]:
        schema = doc["components"]["schemas"].get(f"{name}{suffix}")
        if schema is not None:
            schema["properties"] = {k: v for k, v in schema["properties"].items() if k not in hidden}
            if "required" in schema:
                schema["required"] = [k for k in schema["required"] if k not in hidden]


def _without_admin_operations(paths):
    for path, item in list(paths.items()):
        for method in [m for m, op in item.items() if isinstance(op, dict) and op.get(ADMIN_ONLY)]:
            del item[method]
        if not item:
            del paths[path]


def visible_document(doc, ctx, model, readable_objects):
    """Remove from ``doc`` (a fresh copy) every object, field and operation ``ctx`` may not see.

    ``readable_objects`` is the runtime's answer: {object name: the fields ``ctx`` may read}.
    """
    for name, obj in model.objects.items():
        if name not in readable_objects:
            _drop_object(doc, name)
            continue
        _trim_fields(doc, name, set(obj.fields) - set(readable_objects[name]))
    if not ctx.is_admin:
        _without_admin_operations(doc["paths"])
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
