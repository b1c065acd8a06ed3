"""Readiness check: the only route besides logging in that needs no token."""

from flask import current_app

from ..jsonio import json_response
from .common import runtime


def health():
    """200 ``{"status": "ok", "revision", "database": "ok", "redis": "ok" | "not_configured"}``
    with the published revision when the database (and Redis, when configured) answer;
    otherwise 503 ``database_unavailable`` or ``service_unavailable`` with Retry-After."""
    return json_response(runtime().readiness(current_app.config.get("REDIS_URL")))


def register(bp):
    """Add the health route to ``bp``."""
    bp.add_url_rule("/health", "health", health, methods=["GET"])
