"""The ``fiscal_calendar`` kind: the month fiscal years start in and the year that names them."""

from .kinds import KindSpec, register_kind

FISCAL_CALENDAR_KIND = register_kind(KindSpec("fiscal_calendar", "fiscal_calendar.json", allowed_names=frozenset({"default"})))
