"""GET /api/v1/openapi.json: regenerated whenever a new revision is published."""

from ..jsonio import json_response
from ..openapi import build_document
from .common import runtime


def openapi_document():
    """The OpenAPI document of the current revision (built once per revision, kept on the model)."""
    rt = runtime()
    with rt.read() as conn:
        model = rt.model(conn)
    if "openapi" not in model.cache:
        model.cache["openapi"] = build_document(model)
    return json_response(model.cache["openapi"])


def register(bp):
    """Add the OpenAPI route to ``bp``."""
    bp.add_url_rule("/openapi.json", "openapi", openapi_document, methods=["GET"])
