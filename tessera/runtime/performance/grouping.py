"""The grouped SELECTs behind actuals: records placed in periods (and windows) and credited to people.

Periods are a small derived table ``(idx, start, stop)`` joined by the KPI's date field,
so overlapping periods (a quarter and its year) come from one statement. People measured
on part of a period (effective-dated scheme assignments) are counted by a second SELECT
of the same statement, joined to a table ``(idx, person, start, stop)`` of their windows
by person and date; everyone else by the first, which leaves them out. Both are grouped
by person and period index, so the caller reads one row per person and period whichever
SELECT it came from.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa


def grouped_parts(obj, doc, binder, credited, periods, timezone, columns, conditions, users, windows=None):
    """[SELECT person, idx, ``columns``]: the records of ``credited`` (the (source, person) of
    a KPI's credit) in ``periods`` by the KPI document's date field, filtered by
    ``conditions``, grouped by person and period; only ``users`` when given (else
    everyone). ``windows`` ({user_id: ((first day, last day), ...)}) counts those people
    only on those days, in a second SELECT."""
    source, person = credited
    moment = binder.expression(doc["date_field"])
    instants = is_datetime(obj, doc["date_field"])
    if len(periods) == 1:
        base = _one_period(source, person, moment, periods[0], instants, timezone, columns, conditions)
    else:
        base = _grouped(source, person, moment, period_ranges(periods, instants, timezone), columns, conditions)
    if users is not None:
        base = base.where(person.in_(sorted(set(users))))
    if not windows:
        return [base]
    parts = [base.where(person.not_in(sorted(windows)))]
    spans = window_ranges(periods, windows, instants, timezone)
    if spans is not None:
        parts.append(_grouped(source, person, moment, spans, columns, conditions))
    return parts


def union(parts):
    """One statement of the SELECTs ``parts``."""
    return parts[0] if len(parts) == 1 else sa.union_all(*parts)


def _grouped(source, person, moment, ranges, columns, conditions):
    on = [moment >= ranges.c.start, moment < ranges.c.stop]
    if "person" in ranges.c:
        on.append(person == ranges.c.person)
    return (sa.select(person.label("person"), ranges.c.idx, *columns)
            .select_from(source.join(ranges, sa.and_(*on)))
            .where(person.is_not(None), *conditions)
            .group_by(person, ranges.c.idx))


def _one_period(source, person, moment, period, instants, timezone, columns, conditions):
    """The SELECT of one period with its bounds as constants: the planner then sees a date
    range it can read from a KPI index even without a list of people (SQLite skips through
    the index's people; a joined table of one range would send it to the date index)."""
    start, stop = _bounds(period.start, period.end, instants, ZoneInfo(timezone))
    return (sa.select(person.label("person"), sa.literal(0, sa.Integer()).label("idx"), *columns)
            .select_from(source)
            .where(moment >= start, moment < stop, person.is_not(None), *conditions)
            .group_by(person))


def is_datetime(obj, name):
    """True when the object's field ``name`` holds instants rather than days."""
    if name in ("created_at", "updated_at"):
        return True
    return obj.value_types[name].name == "datetime"


def period_ranges(periods, instants, timezone, name="periods"):
    """A derived table (idx, start, stop) of the periods, ``stop`` exclusive; for a datetime
    field the bounds are the organisation's midnights in UTC, as datetimes are stored."""
    rows = [(idx, None, period.start, period.end) for idx, period in enumerate(periods)]
    return _derived(rows, instants, timezone, name)


def window_ranges(periods, windows, instants, timezone, name="windows"):
    """A derived table (idx, person, start, stop) of each person's windows cut to each
    period they overlap; None when none overlaps."""
    rows = []
    for idx, period in enumerate(periods):
        for person, spans in sorted(windows.items()):
            for first, last in spans:
                start, end = max(first, period.start), min(last, period.end)
                if start <= end:
                    rows.append((idx, person, start, end))
    return _derived(rows, instants, timezone, name) if rows else None


def _derived(rows, instants, timezone, name):
    zone = ZoneInfo(timezone)
    selects = []
    for idx, person, first, last in rows:
        bounds = _bounds(first, last, instants, zone)
        person_column = [] if person is None else [sa.literal(person, sa.BigInteger()).label("person")]
        selects.append(sa.select(sa.literal(idx, sa.Integer()).label("idx"), *person_column,
                                 bounds[0].label("start"), bounds[1].label("stop")))
    return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery(name)


def _bounds(first, last, instants, zone):
    """(start, stop) literals of the days ``first`` to ``last``, ``stop`` exclusive; for a
    datetime field the organisation's midnights in UTC, as datetimes are stored."""
    start, stop = first, last + timedelta(days=1)
    if instants:
        return (sa.literal(_utc_midnight(start, zone), sa.DateTime()),
                sa.literal(_utc_midnight(stop, zone), sa.DateTime()))
    return sa.literal(start, sa.Date()), sa.literal(stop, sa.Date())


def _utc_midnight(day, zone):
    local = datetime.combine(day, time(0), tzinfo=zone)
    return local.astimezone(UTC).replace(tzinfo=None)
