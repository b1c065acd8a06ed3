"""Team and role routes: everyone may read the directory, administrators change it."""

from flask import Response, request

from ..jsonio import json_response
from .common import ctx, runtime
from .guards import object_body


def _list(kind):
    return json_response({"items": runtime().directory.list(kind)})


def _create(kind):
    unit = runtime().directory.create(ctx(), kind, object_body())
    return json_response(unit, 201, {"Location": f"{request.path}/{unit['name']}"})


def _get(kind, name):
    return json_response(runtime().directory.get(kind, name))


def _patch(kind, name):
    return json_response(runtime().directory.update(ctx(), kind, name, object_body()))


def _delete(kind, name):
    runtime().directory.delete(ctx(), kind, name)
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
