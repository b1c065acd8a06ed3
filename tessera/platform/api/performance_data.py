"""Performance data routes: KPI targets, scheme assignments and KPI adjustments.

Writing needs the ``manage_performance`` right (403 otherwise); anyone may list, and sees
their own rows unless they hold the right (targets: also those of the people below them and
of their teams, decided in the runtime).
"""

from flask import Response, request

from ..jsonio import json_response, text_body
from ..openapi import operation
from ..openapi.components import INTEGER, NULLABLE_TEXT, TEXT, obj, query
from .common import ctx, runtime
from .guards import object_body
from .performance import DATE, PERIOD, YEAR_PATTERN

DECIMAL = {"type": "string", "pattern": r"^-?[0-9]{1,18}(\.[0-9]{1,18})?$",
           "description": "An exact decimal, e.g. \"-10000.50\"."}
AMOUNT = {"type": "string", "pattern": r"^[0-9]{1,18}(\.[0-9]{1,18})?$", "description": "An exact decimal, e.g. \"100000\"."}
NAME = {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,62}$"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
PERIOD_ID = {"type": "string", "pattern": r"^" + YEAR_PATTERN + r"(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$",
             "description": "A period id: 2026, 2026-H1, 2026-Q3 or 2026-07."}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
PAGE = (query("limit", "Page size (default 100).", {"type": "integer", "minimum": 1, "maximum": 1000}),
        query("cursor", "The next_cursor of the page before.", {"type": "string", "pattern": "^[0-9]{1,18}$"}))
ONE_SUBJECT = [{"required": ["user"]}, {"required": ["team"]}]


def _page_of(item):
    return obj(("items", "next_cursor"), items={"type": "array", "items": item}, next_cursor=NULLABLE_TEXT)


def _for_one_subject(schema):
    """``schema`` holding exactly one of ``user`` and ``team``."""
    return {**schema, "oneOf": ONE_SUBJECT}


TARGET = obj(("id", "kpi", "user", "team", "period", "value"), id=INTEGER, kpi=TEXT, user=NULLABLE_INTEGER,
             team=NULLABLE_TEXT, period=PERIOD, value=DECIMAL)
TARGET_BODY = _for_one_subject(obj(("kpi", "period", "value"), kpi=NAME, user=ID, team=NAME, period=PERIOD_ID,
                                   value=AMOUNT))
SPREAD_BODY = _for_one_subject(obj(
    ("kpi", "period", "value", "into"), kpi=NAME, user=ID, team=NAME, period=PERIOD_ID, value=AMOUNT,
    into={"type": "string", "enum": ["half", "quarter", "month"]},
    weights={"type": "array", "minItems": 1, "items": {"type": "number", "minimum": 0, "maximum": 1000000}}))
SPREAD = obj(("period", "value", "items"), period=PERIOD, value=DECIMAL, items={"type": "array", "items": TARGET})
IMPORT_REPORT = obj(("written", "created", "replaced", "rows"), written=INTEGER, created=INTEGER, replaced=INTEGER,
                    rows={"type": "array", "items": obj(("line", "id", "created"), line=INTEGER, id=INTEGER,
                                                        created={"type": "boolean"})})
CSV = {"type": "string", "minLength": 1,
       "description": "CSV with the header kpi,user,team,period,value (users by username, teams by name)."}
TARGET_QUERY = (query("kpi", "A KPI name."), query("period", "A period id, e.g. 2026-Q1.", PERIOD_ID),
                query("user", "A user id.", ID), query("team", "A team name.")) + PAGE
ASSIGNMENT = obj(("id", "scheme", "user", "from", "to"), id=INTEGER, scheme=TEXT, user=INTEGER, to=NULLABLE_DATE,
                 **{"from": DATE})
ASSIGNMENT_BODY = obj(("scheme", "user", "from"), scheme=NAME, user=ID, to=NULLABLE_DATE, **{"from": DATE})
RECORD_REF = {"type": ["object", "null"], "required": ["object", "id"],
              "properties": {"object": NAME, "id": ID}, "additionalProperties": False}
ADJUSTMENT = obj(("id", "kpi", "user", "date", "value", "reason", "record"), id=INTEGER, kpi=TEXT, user=INTEGER,
                 date=DATE, value=DECIMAL, reason=TEXT, record=RECORD_REF, created_by=NULLABLE_INTEGER,
                 created_at={"type": "string", "format": "date-time"})
ADJUSTMENT_BODY = obj(("kpi", "user", "date", "value", "reason"), kpi=NAME, user=ID, date=DATE, value=DECIMAL,
                      reason={"type": "string", "minLength": 1, "maxLength": 1000, "pattern": r"\S"},
                      record=RECORD_REF)


@operation("setTarget", "Set a KPI target (replacing the same KPI, person or team and period)", tag="performance",
           status="201", body=TARGET_BODY, returns=TARGET,
           also={"200": {"description": "An existing target's value replaced.", "schema": TARGET}})
def set_target():
    """Set one target; 201 when new, 200 when it replaced the value of the same key."""
    found, created = runtime().performance.targets.set(ctx(), object_body())
    return json_response(found, 201 if created else 200)


@operation("listTargets", "List KPI targets", tag="performance", returns=_page_of(TARGET), parameters=TARGET_QUERY)
def list_targets():
    """``{"items", "next_cursor"}`` of the targets matching the query."""
    return json_response(runtime().performance.targets.list(ctx(), request.args))


@operation("deleteTarget", "Delete a KPI target", tag="performance", status="204")
def delete_target(target_id):
    """Delete one target."""
    runtime().performance.targets.delete(ctx(), target_id)
    return Response(status=204)


@operation("importTargets", "Import KPI targets from CSV, all or none", tag="performance", body=CSV,
           body_media="text/csv", returns=IMPORT_REPORT)
def import_targets():
    """Set every target of the CSV body; a 422 problem naming each bad line and field writes none."""
    return json_response(runtime().performance.targets.import_csv(ctx(), text_body("text/csv")))


@operation("spreadTarget", "Spread a target over sub-periods", tag="performance", body=SPREAD_BODY, returns=SPREAD)
def spread_target():
    """Write sub-period targets summing exactly to the value (the rounding remainder to the last)."""
    return json_response(runtime().performance.targets.spread(ctx(), object_body()))


@operation("createSchemeAssignment", "Assign a person to a KPI scheme", tag="performance", status="201",
           body=ASSIGNMENT_BODY, returns=ASSIGNMENT)
def create_assignment():
    """Create an effective-dated scheme assignment."""
    return json_response(runtime().performance.assignments.create(ctx(), object_body()), 201)


@operation("listSchemeAssignments", "List scheme assignments", tag="performance", returns=_page_of(ASSIGNMENT),
           parameters=(query("scheme", "A scheme name."), query("user", "A user id.", ID)) + PAGE)
def list_assignments():
    """``{"items", "next_cursor"}`` of the assignments matching the query."""
    return json_response(runtime().performance.assignments.list(ctx(), request.args))


@operation("deleteSchemeAssignment", "Delete a scheme assignment", tag="performance", status="204")
def delete_assignment(assignment_id):
    """Delete one assignment."""
    runtime().performance.assignments.delete(ctx(), assignment_id)
    return Response(status=204)


@operation("createKpiAdjustment", "Adjust a person's KPI actual", tag="performance", status="201",
           body=ADJUSTMENT_BODY, returns=ADJUSTMENT)
def create_adjustment():
    """Record an adjustment; it counts in the period of its date."""
    return json_response(runtime().performance.adjustments.create(ctx(), object_body()), 201)


@operation("listKpiAdjustments", "List KPI adjustments", tag="performance", returns=_page_of(ADJUSTMENT),
           parameters=(query("kpi", "A KPI name."), query("user", "A user id.", ID),
                       query("period", "A period id: adjustments dated inside it.", PERIOD_ID)) + PAGE)
def list_adjustments():
    """``{"items", "next_cursor"}`` of the adjustments matching the query."""
    return json_response(runtime().performance.adjustments.list(ctx(), request.args))


@operation("deleteKpiAdjustment", "Delete a KPI adjustment", tag="performance", status="204")
def delete_adjustment(adjustment_id):
    """Delete one adjustment."""
    runtime().performance.adjustments.delete(ctx(), adjustment_id)
    return Response(status=204)


def register(bp):
    """Add the performance data routes to ``bp``."""
    bp.add_url_rule("/targets", "targets_set", set_target, methods=["POST"])
    bp.add_url_rule("/targets", "targets_list", list_targets, methods=["GET"])
    bp.add_url_rule("/targets/<int:target_id>", "targets_delete", delete_target, methods=["DELETE"])
    bp.add_url_rule("/targets/import", "targets_import", import_targets, methods=["POST"])
    bp.add_url_rule("/targets/spread", "targets_spread", spread_target, methods=["POST"])
    bp.add_url_rule("/scheme-assignments", "assignments_create", create_assignment, methods=["POST"])
    bp.add_url_rule("/scheme-assignments", "assignments_list", list_assignments, methods=["GET"])
    bp.add_url_rule("/scheme-assignments/<int:assignment_id>", "assignments_delete", delete_assignment,
                    methods=["DELETE"])
    bp.add_url_rule("/kpi-adjustments", "adjustments_create", create_adjustment, methods=["POST"])
    bp.add_url_rule("/kpi-adjustments", "adjustments_list", list_adjustments, methods=["GET"])
    bp.add_url_rule("/kpi-adjustments/<int:adjustment_id>", "adjustments_delete", delete_adjustment,
                    methods=["DELETE"])
