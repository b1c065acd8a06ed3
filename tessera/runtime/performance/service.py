"""The performance service: periods of the fiscal calendar, actuals and KPI data checks, for a
context; ``targets``, ``assignments`` and ``adjustments`` serve the performance data."""

from tessera.i18n import Message

from ..access.admin import require_admin
from ..errors import InvalidPeriod
from . import periods as P
from .actuals import actuals
from .checks import split_share_problems
from .data_service import AdjustmentService, AssignmentService, TargetService
from .kpis import kpi_definition


class PerformanceService:
    """Performance operations over one runtime's database."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.targets = TargetService(runtime, self)
        self.assignments = AssignmentService(runtime, self)
        self.adjustments = AdjustmentService(runtime, self)

    def calendar(self, model):
        """The fiscal calendar of ``model``'s revision (the calendar year when none is published)."""
        doc = model.documents.get(("fiscal_calendar", "default"))
        return P.FiscalCalendar.from_document(doc, self.runtime.fiscal_year_start_month)

    def period(self, ctx, period_id):
        """``{"id", "type", "start", "end", "days"}`` of ``period_id``; raises InvalidPeriod."""
        with self.runtime.read() as conn:
            calendar = self.calendar(self.runtime.model(conn))
        return P.parse(calendar, period_id, field="id").to_json()

    def periods(self, ctx, period_type, year):
        """Every period of ``period_type`` in fiscal year ``year`` (a decimal string), in date order."""
        if year is None or not year.isdigit():
            raise InvalidPeriod("performance.period.invalid", period=year,
                                errors={"year": [Message("performance.period.year")]})
        with self.runtime.read() as conn:
            calendar = self.calendar(self.runtime.model(conn))
        return [p.to_json() for p in P.in_year(calendar, period_type, int(year))]

    def actuals(self, kpi, period_ids, users=None):
        """{(user_id, period_id): Decimal or None} of ``kpi`` in system context (official numbers)."""
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            calendar = self.calendar(model)
            wanted = [P.parse(calendar, period_id) for period_id in period_ids]
            return actuals(conn, model, kpi, wanted, users, env=self.runtime.eval_env(),
                           timezone=self.runtime.timezone)

    def checks(self, ctx, kpi):
        """The data-quality checks of ``kpi``: records whose split shares do not total 100."""
        require_admin(ctx)
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            definition = kpi_definition(model, kpi)
            found = split_share_problems(conn, model, definition, self.runtime.eval_env())
        return {"kpi": kpi, "checks": found}
