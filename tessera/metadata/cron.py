"""Cron schedules of five standard fields: minute, hour, day of month, month, day of week.

Each field is ``*``, a number, a range ``a-b``, a step ``*/n`` or ``a-b/n``, or a
comma-separated list of those. Day of week counts Sunday as 0 (7 is Sunday too). As in
classic cron, when both day of month and day of week are restricted, a day matching
either one matches. Names (``MON``, ``JAN``) and the ``@daily`` shorthands are not read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
#: How many days ahead ``next_after`` looks before deciding a schedule never matches (Feb 29 lies within).
HORIZON_DAYS = 366 * 8


class CronError(ValueError):
    """A schedule that is not five valid cron fields; ``field`` is the position (0-4) or None."""

    def __init__(self, field=None):
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class Cron:
    """A parsed schedule: the allowed values of each field."""

    minutes: frozenset
    hours: frozenset
    days: frozenset
    months: frozenset
    weekdays: frozenset
    any_day: bool
    any_weekday: bool

    def day_matches(self, day):
        """Whether the calendar date ``day`` is one the schedule runs on."""
        if day.month not in self.months:
            return False
        in_month = day.day in self.days
        in_week = (day.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def next_after(self, moment):
        """The first minute strictly after ``moment`` (a naive datetime in the schedule's own
        time zone) that the schedule names, or None when none comes within HORIZON_DAYS."""
        start = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        for _ in range(HORIZON_DAYS):
            if self.day_matches(day):
                found = self._first_time(day, start)
                if found is not None:
                    return found
            day += timedelta(days=1)
        return None

    def _first_time(self, day, start):
        for hour in sorted(self.hours):
            for minute in sorted(self.minutes):
                candidate = datetime(day.year, day.month, day.day, hour, minute)
                if candidate >= start:
                    return candidate
        return None


def _part(text, low, high, field):
    body, _, step_text = text.partition("/")
    step = _number(step_text, 1, high - low + 1, field) if step_text else 1
    if body == "*":
        first, last = low, high
    elif "-" in body:
        first_text, _, last_text = body.partition("-")
        first, last = _number(first_text, low, high, field), _number(last_text, low, high, field)
        if first > last:
            raise CronError(field)
    else:
        first = _number(body, low, high, field)
        last = high if step_text else first
    return set(range(first, last + 1, step))


def _number(text, low, high, field):
    if not text.isdigit() or not low <= int(text) <= high:
        raise CronError(field)
    return int(text)


def parse_cron(text):
    """The Cron of ``text``; raise CronError naming the first field that does not read."""
    fields = text.split() if isinstance(text, str) else []
    if len(fields) != 5:
        raise CronError(None)
    values = []
    for index, (field_text, (low, high)) in enumerate(zip(fields, BOUNDS)):
        allowed = set()
        for part in field_text.split(","):
            allowed |= _part(part, low, high, index)
        values.append(allowed)
    weekdays = frozenset(day % 7 for day in values[4])
    return Cron(frozenset(values[0]), frozenset(values[1]), frozenset(values[2]), frozenset(values[3]), weekdays,
                any_day=fields[2] == "*", any_weekday=fields[4] == "*")
