"""The REST API under /api/v1: one blueprint, one module per resource."""

from flask import Blueprint

from . import formula, health, metadata, openapi_route, records
from . import audit_log, directory, record_sharing, session_auth, tokens, users
from . import jobs, record_summaries, records_export
from . import performance, performance_data, scorecards
from . import approvals, events, imports, notifications
from . import assignment, feedback, inbound, people
from . import formula_completion, list_views


def create_blueprint():
    """Return the /api/v1 blueprint with every resource's routes registered."""
    blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
    for module in (health, metadata, records, formula, openapi_route,
                   session_auth, users, directory, tokens, audit_log, record_sharing,
                   record_summaries, records_export, jobs, performance, performance_data, scorecards, approvals,
                   events, imports, assignment, inbound, notifications, feedback, people, formula_completion,
                   list_views):
        module.register(blueprint)
    return blueprint

#: Endpoints reachable without authentication.
PUBLIC_ENDPOINTS = frozenset({"api.health", "api.auth_login"})
