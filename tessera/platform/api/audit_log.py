"""GET /audit: administrators search the audit log, newest first, with keyset pagination."""

from flask import request

from tessera.runtime.audit import log as audit
from ..jsonio import json_response
from .common import runtime
from .guards import admin_only


def search():
    """Audit entries filtered by event (or prefix like ``login.``), actor, object, record, outcome, time."""
    admin_only()
    with runtime().read() as conn:
        return json_response(audit.search(conn, request.args.to_dict()))


def register(bp):
    """Add the audit route to ``bp``."""
    bp.add_url_rule("/audit", "audit_search", search, methods=["GET"])
