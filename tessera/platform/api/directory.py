"""Team and role routes: everyone may read the directory, administrators change it."""

from flask import Response, request

from tessera.runtime.audit import log as audit
from tessera.runtime.identity.units import create_unit, delete_unit, get_unit, list_units, update_unit
from tessera.runtime.errors import RecordInvalid

from ..jsonio import json_response
from ..openapi import operation, ref
from ..openapi.components import LABEL, NULLABLE_TEXT, TEXT, items_of, obj
from .common import ctx, runtime

UNIT_BODY = obj(("name",), name=TEXT, label=LABEL, parent=NULLABLE_TEXT)
UNIT_CHANGE = obj(label=LABEL, parent=NULLABLE_TEXT)
from .guards import admin_only, object_body


def _list(kind):
    with runtime().read() as conn:
        return json_response({"items": list_units(conn, kind)})


def _create(kind):
    admin_only()
    body = object_body()
    unknown = sorted(set(body) - {"name", "label", "parent"})
    if unknown:
        raise RecordInvalid(f"unknown {kind} field(s)", errors={k: ["Unknown field."] for k in unknown})
    with runtime().write() as conn:
        unit = create_unit(conn, kind, body.get("name"), label=body.get("label"), parent=body.get("parent"))
        audit.record(conn, f"{kind}.created", ctx(), subject=unit["name"], details={"parent": unit["parent"]})
    return json_response(unit, 201, {"Location": f"{request.path}/{unit['name']}"})


def _get(kind, name):
    with runtime().read() as conn:
        return json_response(get_unit(conn, kind, name))


def _patch(kind, name):
    admin_only()
    body = object_body()
    with runtime().write() as conn:
        unit = update_unit(conn, kind, name, body)
        audit.record(conn, f"{kind}.updated", ctx(), subject=name, details=body)
    return json_response(unit)


def _delete(kind, name):
    admin_only()
    with runtime().write() as conn:
        delete_unit(conn, kind, name)
        audit.record(conn, f"{kind}.deleted", ctx(), subject=name)
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
