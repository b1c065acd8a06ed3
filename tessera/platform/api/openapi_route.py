"""GET /api/v1/openapi.json: regenerated whenever a new revision is published."""

from ..jsonio import json_response
from ..openapi import build_document
from .common import runtime

_cache = {}


def openapi_document():
    """The OpenAPI document of the current revision (built once per revision)."""
    rt = runtime()
    with rt.read() as conn:
        model = rt.model(conn)
    key = (id(rt), model.revision)
    if key not in _cache:
        _cache.clear()
        _cache[key] = build_document(model)
    return json_response(_cache[key])


def register(bp):
    """Add the OpenAPI route to ``bp``."""
    bp.add_url_rule("/openapi.json", "openapi", openapi_document, methods=["GET"])
