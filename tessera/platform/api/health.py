"""Readiness check: the only route besides logging in that needs no token."""

from flask import current_app

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, TEXT, obj
from .common import runtime

READY = obj(("status", "revision", "database", "redis"), status=TEXT, database=TEXT,
            revision={"type": "integer", "minimum": 0, "description": "0 before the first publish."},
            redis={"type": "string", "enum": ["ok", "not_configured"]},
            events=obj(("pending", "dead", "delivered"), pending=INTEGER, dead=INTEGER, delivered=INTEGER))


@operation("getHealth", "Readiness: the published revision, database and Redis status (503 when one does not answer)",
           tag="health", public=True, returns=READY)
def health():
    """200 ``{"status": "ok", "revision", "database": "ok", "redis": "ok" | "not_configured",
    "events": {"pending", "dead", "delivered"}}`` with the published revision and the outbox counts
    when the database (and Redis, when configured) answer;
    otherwise 503 ``database_unavailable`` or ``service_unavailable`` with Retry-After."""
    return json_response(runtime().readiness(current_app.config.get("REDIS_URL")))


def register(bp):
    """Add the health route to ``bp``."""
    bp.add_url_rule("/health", "health", health, methods=["GET"])
