"""The performance data services: targets, scheme assignments and KPI adjustments, for a context.

Writing needs the ``manage_performance`` right (administrators hold it); each write is
checked in full before anything is written, then written and audited in one
transaction. Reading is open to everyone: without the right, targets are limited to the
caller's own, those of the people below them and of their teams (``watched_subjects``),
assignments and adjustments to their own rows.
"""

from tessera.i18n import Message

from ..access.admin import manages_performance, require_performance_manager
from ..audit import log as audit
from ..errors import InvalidQuery
from ..paging import parse_limit
from . import adjustments as A
from . import assignments as S
from . import periods as P
from . import targets as T
from .inputs import MAX_ID
from .target_input import check_import, check_spread, check_target
from .watching import watched_subjects

MAX_PAGE = 1000


def _digits(params, name, least=1):
    """The whole number (at least ``least``) in query parameter ``name``, None when absent; 400
    for anything else."""
    text = params.get(name)
    if text is None:
        return None
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 19 and least <= int(text) <= MAX_ID):
        raise InvalidQuery("performance.query.invalid", errors={name: [Message("input.whole_number")]})
    return int(text)


def _limit(params):
    """The page size: 1 to MAX_PAGE, 100 when absent (an empty value is not absent)."""
    if params.get("limit") == "":
        raise InvalidQuery("performance.query.invalid", errors={"limit": [Message("input.from_to", min=1,
                                                                                     max=MAX_PAGE)]})
    return parse_limit(params.get("limit"), default=100, most=MAX_PAGE)


def _page(rows, limit, to_json):
    """``{"items", "next_cursor"}``: the cursor is the last id when a full page was read."""
    cursor = str(rows[-1].id) if len(rows) == limit else None
    return {"items": [to_json(row) for row in rows], "next_cursor": cursor}


class _Base:
    def __init__(self, runtime, performance):
        self.runtime, self.performance = runtime, performance

    def _period(self, model, params):
        text = params.get("period")
        return None if text is None else P.parse(self.performance.calendar(model), text)


class TargetService(_Base):
    """KPI targets: set (replacing), list, delete, import from CSV, spread over sub-periods."""

    def set(self, ctx, body):
        """Set one target from ``{"kpi", "user" | "team", "period", "value"}``; return (JSON, created)."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            model = self.runtime.model(conn)
            kpi, subject, period, value = check_target(conn, model, self.performance.calendar(model), body)
            target_id, created = T.write_target(conn, ctx, kpi, subject, period, value)
            audit.record(conn, "target.set", ctx, subject=kpi, details=self._details(subject, period, value))
            return T.target_json(T.read_target(conn, target_id), T.team_names(conn)), created

    @staticmethod
    def _details(subject, period, value):
        return {subject[0]: subject[1], "period": period.id, "value": str(value)}

    def list(self, ctx, params):
        """``{"items", "next_cursor"}`` of the targets matching ``kpi``, ``period``, ``user``, ``team``."""
        limit = _limit(params)
        with self.runtime.read() as conn:
            model = self.runtime.model(conn)
            names = T.team_names(conn)
            # every parameter is checked, even when an unknown team already means "nothing"
            period, after = self._period(model, params), _digits(params, "cursor", least=0) or 0
            subject = self._subject_filter(params, names)
            visible = None if manages_performance(ctx) else watched_subjects(conn, ctx)
            rows = [] if subject is False else T.list_targets(
                conn, kpi=params.get("kpi") or None, period=period, subject=subject,
                visible=visible, after=after, limit=limit)
            return _page(rows, limit, lambda row: T.target_json(row, names))

    @staticmethod
    def _subject_filter(params, names):
        """("user", id), ("team", id), None (no filter) or False (an unknown team: nothing)."""
        user_id = _digits(params, "user")
        if user_id is not None:
            return ("user", user_id)
        team = params.get("team")
        if team is None:
            return None
        found = [team_id for team_id, name in names.items() if name == team]
        return ("team", found[0]) if found else False

    def delete(self, ctx, target_id):
        """Delete target ``target_id``."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            row = T.delete_target(conn, target_id)
            audit.record(conn, "target.deleted", ctx, subject=row.kpi, record_id=row.id,
                         details={row.subject_type: row.subject_id, "period": row.period, "value": row.value})

    def import_csv(self, ctx, text):
        """Set every target of a CSV ``kpi,user,team,period,value``, all or none; return the report
        ``{"written", "created", "replaced", "rows": [{"line", "id", "created"}]}``."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            model = self.runtime.model(conn)
            checked = check_import(conn, model, self.performance.calendar(model), text)
            rows = []
            for line, kpi, subject, period, value in checked:
                target_id, created = T.write_target(conn, ctx, kpi, subject, period, value)
                rows.append({"line": line, "id": target_id, "created": created})
            created = sum(row["created"] for row in rows)
            audit.record(conn, "target.imported", ctx, details={"written": len(rows), "created": created,
                                                                "targets": [row["id"] for row in rows]})
        return {"written": len(rows), "created": created, "replaced": len(rows) - created, "rows": rows}

    def spread(self, ctx, body):
        """Write the targets of ``body["period"]``'s sub-periods of type ``into`` summing exactly to
        ``value`` (by ``weights``); return ``{"period", "value", "items": [target, ...]}``."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            model = self.runtime.model(conn)
            calendar = self.performance.calendar(model)
            kpi, subject, parts = check_spread(conn, model, calendar, body)
            ids = [T.write_target(conn, ctx, kpi, subject, period, value)[0] for period, value in parts]
            whole = P.parse(calendar, body["period"])
            total = sum(value for _, value in parts)
            audit.record(conn, "target.spread", ctx, subject=kpi, details={
                **self._details(subject, whole, total), "into": [p.id for p, _ in parts]})
            names = T.team_names(conn)
            items = [T.target_json(T.read_target(conn, target_id), names) for target_id in ids]
        return {"period": whole.to_json(), "value": str(total), "items": items}


class AssignmentService(_Base):
    """Effective-dated scheme assignments: create, list, delete."""

    def create(self, ctx, body):
        """Assign ``{"scheme", "user", "from", "to"}``; return the assignment's JSON."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            scheme, user_id, start, end = S.check_assignment(conn, self.runtime.model(conn), body)
            row = S.write_assignment(conn, ctx, scheme, user_id, start, end)
            audit.record(conn, "scheme_assignment.created", ctx, subject=scheme, record_id=row.id,
                         details=S.assignment_json(row))
            return S.assignment_json(row)

    def list(self, ctx, params):
        """``{"items", "next_cursor"}`` of the assignments of ``scheme`` and ``user``."""
        limit = _limit(params)
        visible = None if manages_performance(ctx) else (ctx.user_id or 0)
        with self.runtime.read() as conn:
            rows = S.list_assignments(conn, scheme=params.get("scheme") or None, user_id=_digits(params, "user"),
                                      visible_user=visible, after=_digits(params, "cursor", least=0) or 0, limit=limit)
        return _page(rows, limit, S.assignment_json)

    def delete(self, ctx, assignment_id):
        """Delete assignment ``assignment_id``."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            row = S.delete_assignment(conn, assignment_id)
            audit.record(conn, "scheme_assignment.deleted", ctx, subject=row.scheme, record_id=row.id,
                         details=S.assignment_json(row))


class AdjustmentService(_Base):
    """KPI adjustments: create, list, delete."""

    def create(self, ctx, body):
        """Record ``{"kpi", "user", "date", "value", "reason", "record"}``; return its JSON."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            checked = A.check_adjustment(conn, self.runtime.model(conn), body)
            row = A.write_adjustment(conn, ctx, *checked)
            found = A.adjustment_json(row)
            audit.record(conn, "kpi_adjustment.created", ctx, subject=row.kpi, record_id=row.id,
                         details={k: found[k] for k in ("user", "date", "value", "reason", "record")})
            return found

    def list(self, ctx, params):
        """``{"items", "next_cursor"}`` of the adjustments of ``kpi``, ``user`` and ``period``."""
        limit = _limit(params)
        visible = None if manages_performance(ctx) else (ctx.user_id or 0)
        with self.runtime.read() as conn:
            rows = A.list_adjustments(conn, kpi=params.get("kpi") or None, user_id=_digits(params, "user"),
                                      period=self._period(self.runtime.model(conn), params), visible_user=visible,
                                      after=_digits(params, "cursor", least=0) or 0, limit=limit)
        return _page(rows, limit, A.adjustment_json)

    def delete(self, ctx, adjustment_id):
        """Delete adjustment ``adjustment_id``."""
        require_performance_manager(ctx)
        with self.runtime.write() as conn:
            row = A.delete_adjustment(conn, adjustment_id)
            found = A.adjustment_json(row)
            audit.record(conn, "kpi_adjustment.deleted", ctx, subject=row.kpi, record_id=row.id,
                         details={k: found[k] for k in ("user", "date", "value", "reason", "record")})
