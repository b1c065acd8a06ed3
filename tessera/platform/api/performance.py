"""Performance routes: fiscal periods and KPI data checks."""

from flask import request

from tessera.runtime.performance.periods import MAX_YEAR, MIN_YEAR

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import INTEGER, TEXT, items_of, obj, query
from .common import ctx, runtime

DATE = {"type": "string", "format": "date"}
PERIOD = obj(("id", "type", "start", "end", "days"), id=TEXT,
             type={"type": "string", "enum": ["year", "half", "quarter", "month"]},
             start=DATE, end=DATE, days=INTEGER)
#: The fiscal years periods.py accepts (MIN_YEAR..MAX_YEAR), spelled as a pattern.
YEAR_PATTERN = "(190[1-9]|19[1-9][0-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
PERIOD_ID = {"name": "id", "in": "path", "required": True, "description": "2026, 2026-H1, 2026-Q3 or 2026-07.",
             "schema": {"type": "string", "pattern": f"^{YEAR_PATTERN}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$"}}
PERIOD_QUERY = ({**query("type", "year, half, quarter or month.",
                         {"type": "string", "enum": ["year", "half", "quarter", "month"]}), "required": True},
                {**query("year", "The fiscal year's name, e.g. 2026.",
                         {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}), "required": True})
CHECK = obj(("check", "ok", "records", "truncated"), check=TEXT, ok={"type": "boolean"},
            records={"type": "array", "items": obj(("id", "shares"), id=INTEGER, shares=TEXT)},
            truncated={"type": "boolean"})
CHECKS = obj(("kpi", "checks"), kpi=TEXT, checks={"type": "array", "items": CHECK})


@operation("getPeriod", "Read a fiscal period", tag="performance", returns=PERIOD, parameters=(PERIOD_ID,))
def get_period(period_id):
    """``{"id", "type", "start", "end", "days"}`` of a period id: 2026, 2026-H1, 2026-Q3, 2026-07."""
    return json_response(runtime().performance.period(ctx(), period_id))


@operation("listPeriods", "List the periods of a fiscal year", tag="performance", returns=items_of(PERIOD),
           parameters=PERIOD_QUERY)
def list_periods():
    """``{"items": [period, ...]}``: the periods of ``type`` in fiscal year ``year``, in date order."""
    found = runtime().performance.periods(ctx(), request.args.get("type"), request.args.get("year"))
    return json_response({"items": found})


@operation("checkKpi", "Data-quality checks of a KPI", tag="performance", returns=CHECKS, admin=True)
def kpi_checks(name):
    """The KPI's data-quality checks: records whose split shares do not total 100 %."""
    return json_response(runtime().performance.checks(ctx(), name))


def register(bp):
    """Add the performance routes to ``bp``."""
    bp.add_url_rule("/periods/<period_id>", "period_get", get_period, methods=["GET"])
    bp.add_url_rule("/periods", "periods_list", list_periods, methods=["GET"])
    bp.add_url_rule("/kpis/<name>/checks", "kpi_checks", kpi_checks, methods=["GET"])
