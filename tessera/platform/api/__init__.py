"""The REST API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint

from . import formula, health, metadata, openapi_route, records


def create_blueprint():
    """Return the /api/v1 blueprint with every resource's routes registered."""
    blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    for module in (health, metadata, records, formula, openapi_route):
        module.register(blueprint)
    return blueprint

#: Endpoints reachable without a token.
PUBLIC_ENDPOINTS = frozenset({"api.health"})
