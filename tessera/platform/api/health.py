"""Health check: the only route that needs no token."""

from sqlalchemy import text

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import obj
from .common import runtime


@operation("getHealth", "Health check", tag="health", public=True, returns=obj(("status",), status={"type": "string"}))
def health():
    """200 with the published revision when the database answers."""
    with runtime().read() as conn:
        conn.execute(text("SELECT 1"))
    return json_response({"status": "ok"})


def register(bp):
    """Add the health route to ``bp``."""
    bp.add_url_rule("/health", "health", health, methods=["GET"])
