"""Team and role routes: everyone may read the directory, administrators change it."""

from flask import Response, request

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import LABEL, NAME, NULLABLE_TEXT, items_of, obj
from .common import ctx, runtime
from .guards import admin_only, object_body

UNIT_LABEL = {"type": ["object", "null"], "additionalProperties": {"type": "string", "maxLength": 1000},
              "description": LABEL["description"]}
UNIT_BODY = {**obj(("name",), name=NAME, label=UNIT_LABEL, parent=NULLABLE_TEXT), "additionalProperties": False}
UNIT_CHANGE = {**obj(label=UNIT_LABEL, parent=NULLABLE_TEXT), "additionalProperties": False}


def _list(kind):
    return json_response({"items": runtime().directory.list(kind)})


def _create(kind):
    admin_only()  # before the body is read: a non-administrator learns nothing from its checks
    unit = runtime().directory.create(ctx(), kind, object_body())
    return json_response(unit, 201, {"Location": f"{request.path}/{unit['name']}"})


def _get(kind, name):
    return json_response(runtime().directory.get(kind, name))


def _patch(kind, name):
    admin_only()
    return json_response(runtime().directory.update(ctx(), kind, name, object_body()))


def _delete(kind, name):
    runtime().directory.delete(ctx(), kind, name)
    return Response(status=204)


def _routes(bp, kind, plural):
    Kind, Plural, unit = kind.title(), plural.title(), ref("Unit")

    @operation(f"list{Plural}", f"List {plural}", tag=plural, returns=items_of(unit))
    def listing():
        return _list(kind)

    @operation(f"create{Kind}", f"Create a {kind}", tag=plural, admin=True, status="201", body=UNIT_BODY, returns=unit)
    def creating():
        return _create(kind)

    @operation(f"get{Kind}", f"Read a {kind}", tag=plural, returns=unit)
    def reading(name):
        return _get(kind, name)

    @operation(f"update{Kind}", f"Change a {kind}", tag=plural, admin=True, body=UNIT_CHANGE, returns=unit)
    def patching(name):
        return _patch(kind, name)

    @operation(f"delete{Kind}", f"Delete a {kind}", tag=plural, admin=True, status="204")
    def deleting(name):
        return _delete(kind, name)

    bp.add_url_rule(f"/{plural}", f"{plural}_list", listing, methods=["GET"])
    bp.add_url_rule(f"/{plural}", f"{plural}_create", creating, methods=["POST"])
    bp.add_url_rule(f"/{plural}/<name>", f"{plural}_get", reading, methods=["GET"])
    bp.add_url_rule(f"/{plural}/<name>", f"{plural}_patch", patching, methods=["PATCH"])
    bp.add_url_rule(f"/{plural}/<name>", f"{plural}_delete", deleting, methods=["DELETE"])


def register(bp):
    """Add the team and role routes to ``bp``."""
    _routes(bp, "team", "teams")
    _routes(bp, "role", "roles")
