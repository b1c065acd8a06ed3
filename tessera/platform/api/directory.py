"""Team and role routes: everyone may read the directory, administrators change it."""

from flask import Response, request

from tessera.i18n import Message
from tessera.runtime.audit import log as audit
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.identity.units import create_unit, delete_unit, get_unit, list_units, update_unit

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import admin_only, object_body


def _list(kind):
    with runtime().read() as conn:
        return json_response({"items": list_units(conn, kind)})


def _create(kind):
    admin_only()
    body = object_body()
    unknown = sorted(set(body) - {"name", "label", "parent"})
    if unknown:
        raise RecordInvalid(f"api.{kind}.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
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
    def listing():
        return _list(kind)

    def creating():
        return _create(kind)

    def reading(name):
        return _get(kind, name)

    def patching(name):
        return _patch(kind, name)

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
