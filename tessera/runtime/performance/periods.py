"""Fiscal periods as ids: ``2026``, ``2026-H1``, ``2026-Q3`` and calendar months ``2026-07``.

Pure date arithmetic, no database. The year in a year, half or quarter id is the fiscal
year's name (named by the calendar year it starts or ends in); a month id is a calendar
month, so ``2027-02`` is February 2027 whichever fiscal year holds it.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from tessera.i18n import Message

from ..errors import InvalidPeriod

#: Period types from the widest to the narrowest, and how many of each a fiscal year holds.
TYPES = ("year", "half", "quarter", "month")
PER_YEAR = {"year": 1, "half": 2, "quarter": 4, "month": 12}
MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
MIN_YEAR, MAX_YEAR = 1901, 9998

_ID = re.compile(r"^(\d{4})(?:-(?:H([12])|Q([1-4])|(0[1-9]|1[0-2])))?$")


def _invalid(text, field="period"):
    return InvalidPeriod("performance.period.invalid", period=text,
                         errors={field: [Message("performance.period.bad_id", period=text)]})


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class FiscalCalendar:
    """When fiscal years start (``start_month``) and which calendar year names them."""

    start_month: int = 1
    year_named_by: str = "start"

    @classmethod
    def from_document(cls, doc, fallback_start_month=1):
        """The calendar a ``fiscal_calendar`` document describes; without one, years start in
        ``fallback_start_month`` and are named by their end year (as FISCALYEAR() does)."""
        if doc is None:
            return cls(fallback_start_month, "end")
        return cls(doc["start_month"], doc.get("year_named_by", "start"))

    def year_start(self, name):
        """The first day of the fiscal year called ``name``."""
        shift = 1 if self.year_named_by == "end" and self.start_month != 1 else 0
        return date(name - shift, self.start_month, 1)

    def year_of(self, day):
        """The name of the fiscal year that holds ``day``."""
        start_year = day.year if day.month >= self.start_month else day.year - 1
        return start_year + (1 if self.year_named_by == "end" and self.start_month != 1 else 0)


@dataclass(frozen=True)
class Period:
    """One period: its id, type and first and last days (inclusive)."""

    id: str
    type: str
    start: date
    end: date

    @property
    def days(self):
        """How many days the period covers."""
        return (self.end - self.start).days + 1

    def to_json(self):
        """``{"id", "type", "start", "end", "days"}``, the shape every answer naming a period carries."""
        return {"id": self.id, "type": self.type, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "days": self.days}


def _checked_year(year, text, field):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(text, field)
    return year


def _fiscal_part(calendar, year, type_, index):
    """The ``index``-th (1-based) period of ``type_`` in fiscal year ``year``."""
    start = _add_months(calendar.year_start(year), (index - 1) * MONTHS[type_])
    end = _add_months(start, MONTHS[type_]) - timedelta(days=1)
    suffix = {"year": "", "half": f"-H{index}", "quarter": f"-Q{index}"}[type_]
    return Period(f"{year}{suffix}", type_, start, end)


def month(first_day):
    """The calendar month period that starts on ``first_day``."""
    end = _add_months(first_day, 1) - timedelta(days=1)
    return Period(f"{first_day.year:04d}-{first_day.month:02d}", "month", first_day, end)


def parse(calendar, text, field="period"):
    """The Period named by ``text``; raises InvalidPeriod (errors keyed by ``field``)."""
    found = _ID.match(text) if isinstance(text, str) else None
    if not found:
        raise _invalid(text, field)
    year = _checked_year(int(found.group(1)), text, field)
    half, quarter, month_number = found.group(2), found.group(3), found.group(4)
    if month_number:
        return month(date(year, int(month_number), 1))
    if half:
        return _fiscal_part(calendar, year, "half", int(half))
    if quarter:
        return _fiscal_part(calendar, year, "quarter", int(quarter))
    return _fiscal_part(calendar, year, "year", 1)


def in_year(calendar, type_, year):
    """Every period of ``type_`` in fiscal year ``year``, in date order."""
    if type_ not in TYPES:
        raise InvalidPeriod("performance.period.bad_type", type=type_,
                            errors={"type": [Message("performance.period.types", types=", ".join(TYPES))]})
    _checked_year(year, str(year), "year")
    if type_ == "month":
        first = calendar.year_start(year)
        return [month(_add_months(first, i)) for i in range(12)]
    return [_fiscal_part(calendar, year, type_, i) for i in range(1, PER_YEAR[type_] + 1)]


def sub_periods(calendar, period, into):
    """The periods of type ``into`` that make up ``period`` (a year into halves, quarters or
    months; a half into quarters or months; a quarter into months)."""
    if into not in TYPES or TYPES.index(into) <= TYPES.index(period.type):
        raise InvalidPeriod("performance.period.not_finer", period=period.id, type=into,
                            errors={"into": [Message("performance.period.finer_than", type=period.type)]})
    year = calendar.year_of(period.start)
    return [p for p in in_year(calendar, into, year) if period.start <= p.start and p.end <= period.end]


def containing(calendar, period):
    """The wider periods that hold ``period``: its quarter, half and fiscal year, widest first."""
    year = calendar.year_of(period.start)
    wider = TYPES[: TYPES.index(period.type)]
    return [p for type_ in wider for p in in_year(calendar, type_, year)
            if p.start <= period.start and period.end <= p.end]


def children(period):
    """The periods of the next finer type that make up ``period``, in date order (none for a
    month): a year's halves, a half's quarters, a quarter's months. Needs no calendar: a
    period's id and first day say it all."""
    if period.type == "month":
        return []
    into = TYPES[TYPES.index(period.type) + 1]
    count = MONTHS[period.type] // MONTHS[into]
    starts = [_add_months(period.start, k * MONTHS[into]) for k in range(count)]
    if into == "month":
        return [month(start) for start in starts]
    offset = (int(period.id[-1]) - 1) * count if period.type == "half" else 0
    letter = "H" if into == "half" else "Q"
    return [Period(f"{period.id[:4]}-{letter}{offset + k + 1}", into, start,
                   _add_months(start, MONTHS[into]) - timedelta(days=1)) for k, start in enumerate(starts)]
