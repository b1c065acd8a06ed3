"""Checking the input of targets, assignments and adjustments: every fault named by field.

A ``Problems`` collects what is wrong with one body, so a caller reports every bad field
at once and writes nothing; each ``parse_*`` returns the checked value, or None after
noting why it is not one.
"""

import json
import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tessera.i18n import Message

from ..errors import DirectoryEntryNotFound, InvalidPeriod, PerformanceInputInvalid
from ..identity.units import find_unit
from ..schema.system_tables import user
from . import periods as P

_DECIMAL = re.compile(r"^-?\d{1,18}(?:\.\d{1,18})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The largest id a 64-bit id column holds.
MAX_ID = 2**63 - 1


class Problems:
    """The field errors of one input, raised together as PerformanceInputInvalid."""

    def __init__(self, message, prefix=""):
        self.message, self.prefix, self.errors = message, prefix, {}

    def add(self, field, message):
        """Note that ``field`` is wrong because of ``message`` (a Message)."""
        self.errors.setdefault(f"{self.prefix}{field}", []).append(message)

    def raise_any(self):
        """Raise PerformanceInputInvalid naming every noted field, if any was noted."""
        if self.errors:
            raise PerformanceInputInvalid(self.message, errors=self.errors)


def unknown_fields(problems, body, allowed):
    """Note every key of ``body`` outside ``allowed``."""
    for key in sorted(set(body) - set(allowed)):
        problems.add(key, Message("input.unknown"))


def parse_decimal(problems, field, value, scale, *, negative=True):
    """The exact Decimal of ``value`` (a decimal string or an integer) at ``scale`` places."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _DECIMAL.match(text):
        problems.add(field, Message("performance.value.decimal"))
        return None
    number = Decimal(text)
    if -number.as_tuple().exponent > scale:
        problems.add(field, Message("input.decimal_places", places=scale))
        return None
    if number < 0 and not negative:
        problems.add(field, Message("performance.value.negative"))
        return None
    return number.quantize(Decimal(1).scaleb(-scale))


def shown(value):
    """``value`` as text fit to quote in a message (JSON of anything that is not a string)."""
    return value if isinstance(value, str) else json.dumps(value, default=str)[:100]


def is_id(value):
    """True for an integer a database id column can hold (not a boolean)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_kpi(problems, model, name, field="kpi"):
    """The published KPI document called ``name``."""
    doc = model.documents.get(("kpi", name)) if isinstance(name, str) else None
    if doc is None:
        problems.add(field, Message("performance.kpi.not_found", name=shown(name)))
    return doc


def parse_user(problems, conn, value, field="user"):
    """The id of the existing user ``value`` (an integer id)."""
    if not isinstance(value, int) or isinstance(value, bool):
        problems.add(field, Message("input.user_id"))
        return None
    if not is_id(value):
        problems.add(field, Message("input.does_not_exist"))
        return None
    if conn.execute(select(user.c.id).where(user.c.id == value)).first() is None:
        problems.add(field, Message("input.does_not_exist"))
        return None
    return value


def user_by_name(problems, conn, username, field="user"):
    """The id of the user called ``username``."""
    found = conn.execute(select(user.c.id).where(user.c.username == username)).first()
    if found is None:
        problems.add(field, Message("input.does_not_exist"))
        return None
    return found.id


def parse_team(problems, conn, name, field="team"):
    """The id of the team called ``name``."""
    try:
        return find_unit(conn, "team", name)["id"]
    except DirectoryEntryNotFound:
        problems.add(field, Message("input.does_not_exist"))
        return None


def parse_period(problems, calendar, text, field="period"):
    """The Period named by ``text``."""
    if not isinstance(text, str):
        problems.add(field, Message("performance.period.bad_id", period=shown(text)))
        return None
    try:
        return P.parse(calendar, text, field=field)
    except InvalidPeriod:
        problems.add(field, Message("performance.period.bad_id", period=text))
        return None


def parse_date(problems, field, value, *, nullable=False):
    """The date of an ISO ``YYYY-MM-DD`` string (None is allowed when ``nullable``)."""
    if value is None and nullable:
        return None
    try:
        if isinstance(value, str) and _DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    problems.add(field, Message("input.invalid.date"))
    return None


def parse_subject(problems, conn, body):
    """("user", id) or ("team", id) from a body holding exactly one of ``user`` and ``team``."""
    has_user, has_team = body.get("user") is not None, body.get("team") is not None
    if has_user == has_team:
        problems.add("user", Message("performance.subject.one"))
        return None
    if has_user:
        found = parse_user(problems, conn, body["user"])
        return None if found is None else ("user", found)
    found = parse_team(problems, conn, body["team"])
    return None if found is None else ("team", found)
