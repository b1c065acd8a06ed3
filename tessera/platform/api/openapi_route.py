"""GET /api/v1/openapi.json: regenerated whenever a new revision is published."""

from flask import current_app

from ..jsonio import json_response
from ..openapi import build_document, operation
from ..openapi.components import ANY_OBJECT
from .common import runtime


@operation("getOpenApiDocument", "This document: the API as the caller may use it", tag="openapi",
           returns=ANY_OBJECT)
def openapi_document():
    """The OpenAPI document of the current revision (built once per revision, kept on the model)."""
    rt = runtime()
    with rt.read() as conn:
        model = rt.model(conn)
    if "openapi" not in model.cache:
        model.cache["openapi"] = build_document(current_app, model)
    return json_response(model.cache["openapi"])


def register(bp):
    """Add the OpenAPI route to ``bp``."""
    bp.add_url_rule("/openapi.json", "openapi", openapi_document, methods=["GET"])
