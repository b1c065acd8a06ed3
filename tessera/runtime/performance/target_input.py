"""What a target write asks for, checked: one body, a CSV import, or a value spread over sub-periods.

Each function returns checked values or raises PerformanceInputInvalid naming every bad
field (for a CSV, every bad line and field); none of them writes.
"""

import csv
import io
from decimal import ROUND_DOWN, Context, Decimal, localcontext

from sqlalchemy import select

from tessera.i18n import Message

from ..identity.units import tree
from ..schema.system_tables import user
from . import periods as P
from .inputs import (
    Problems,
    parse_decimal,
    parse_kpi,
    parse_period,
    parse_subject,
    unknown_fields,
)
from .targets import kpi_scale

TARGET_FIELDS = ("kpi", "user", "team", "period", "value")
SPREAD_FIELDS = TARGET_FIELDS + ("into", "weights")
CSV_HEADER = ["kpi", "user", "team", "period", "value"]
#: The largest weight of a spread; weights are proportions, so this loses nothing.
MAX_WEIGHT = 10**6
_WIDE = Context(prec=60)
#: The most lines one CSV import may hold, so one request stays one bounded transaction.
MAX_IMPORT_ROWS = 10000


def check_target(conn, model, calendar, body):
    """(kpi name, subject, Period, Decimal value) of a target body; raises PerformanceInputInvalid."""
    problems = Problems("performance.target.invalid")
    found = _target_fields(problems, conn, model, calendar, body, TARGET_FIELDS)
    problems.raise_any()
    return found


def _target_fields(problems, conn, model, calendar, body, allowed):
    unknown_fields(problems, body, allowed)
    doc = parse_kpi(problems, model, body.get("kpi"))
    subject = parse_subject(problems, conn, body)
    period = parse_period(problems, calendar, body.get("period"))
    value = parse_decimal(problems, "value", body.get("value"), kpi_scale(doc or {}), negative=False)
    return body.get("kpi"), subject, period, value


def check_spread(conn, model, calendar, body):
    """(kpi, subject, [(sub-period, value)]) of a spread body: the sub-periods of type
    ``into`` get ``value`` in proportion to ``weights`` (equal when left out), each rounded
    down to the KPI's scale and the remainder added to the last, so they sum exactly."""
    problems = Problems("performance.target.invalid")
    kpi, subject, period, value = _target_fields(problems, conn, model, calendar, body, SPREAD_FIELDS)
    parts, into = [], body.get("into")
    if period is not None:
        finer = isinstance(into, str) and into in P.TYPES and P.TYPES.index(into) > P.TYPES.index(period.type)
        if finer:
            parts = P.sub_periods(calendar, period, into)
        else:
            problems.add("into", Message("performance.period.finer_than", type=period.type))
    weights = _weights(problems, body.get("weights"), len(parts)) if parts else None
    problems.raise_any()
    return kpi, subject, list(zip(parts, split_value(value, weights, kpi_scale(model.documents[("kpi", kpi)]))))


def _weights(problems, weights, count):
    if weights is None:
        return [Decimal(1)] * count
    ok = isinstance(weights, list) and len(weights) == count and all(
        isinstance(w, (int, Decimal)) and not isinstance(w, bool) and 0 <= w <= MAX_WEIGHT for w in weights)
    if not ok or sum(weights) <= 0:
        problems.add("weights", Message("performance.weights.shape", count=count, max=MAX_WEIGHT))
        return None
    return [Decimal(w) for w in weights]


def split_value(value, weights, scale):
    """``value`` divided in proportion to ``weights``: each part rounded down to ``scale``
    places, the last one taking the remainder; the parts sum exactly to ``value``."""
    unit, total = Decimal(1).scaleb(-scale), sum(weights)
    with localcontext(_WIDE):
        parts = [(value * w / total).quantize(unit, rounding=ROUND_DOWN) for w in weights[:-1]]
        return parts + [value - sum(parts, Decimal(0))]


def check_import(conn, model, calendar, text):
    """[(line, kpi, subject, Period, value)] of a CSV ``kpi,user,team,period,value`` (users by
    username, teams by name); raises PerformanceInputInvalid keyed ``line N/field`` naming
    every bad line when any is bad."""
    problems = Problems("performance.import.invalid")
    rows = _csv_rows(problems, text)
    if not rows or [cell.strip() for cell in rows[0]] != CSV_HEADER:
        problems.add("line 1", Message("performance.csv.header", header=",".join(CSV_HEADER)))
        problems.raise_any()
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        problems.add("line 1", Message("performance.csv.too_long", max=MAX_IMPORT_ROWS))
        problems.raise_any()
    users, teams = _directory(conn, rows[1:])
    found, seen = [], {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        checked = _import_row(problems, model, calendar, users, teams, line, cells)
        key = checked and (checked[0], checked[1], checked[2].type, checked[2].start)
        if key and key in seen:
            problems.add(f"line {line}", Message("performance.csv.repeats", line=seen[key]))
        elif key:
            seen[key] = line
            found.append((line, *checked))
    problems.raise_any()
    return found


def _csv_rows(problems, text):
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return list(reader)
    except csv.Error:
        problems.add(f"line {reader.line_num}", Message("performance.csv.unreadable"))
        problems.raise_any()


def _directory(conn, rows):
    names = sorted({cells[1].strip() for cells in rows if len(cells) > 1 and cells[1].strip()})
    users = dict(conn.execute(select(user.c.username, user.c.id).where(user.c.username.in_(names))).all()) \
        if names else {}
    teams = {name: team_id for team_id, (name, _) in tree(conn, "team").items()}
    return users, teams


def _import_row(problems, model, calendar, users, teams, line, cells):
    """(kpi, subject, Period, value) of one CSV line, or None after noting its faults."""
    before = len(problems.errors)
    problems.prefix = f"line {line}/"
    if len(cells) != len(CSV_HEADER):
        problems.add("value", Message("performance.csv.columns", count=len(CSV_HEADER)))
        problems.prefix = ""
        return None
    kpi, username, team, period_text, value_text = (cell.strip() for cell in cells)
    doc = parse_kpi(problems, model, kpi)
    subject = _named_subject(problems, users, teams, username, team)
    period = parse_period(problems, calendar, period_text)
    value = parse_decimal(problems, "value", value_text, kpi_scale(doc or {}), negative=False)
    problems.prefix = ""
    return (kpi, subject, period, value) if len(problems.errors) == before else None


def _named_subject(problems, users, teams, username, team):
    """("user", id) or ("team", id) of a CSV line naming exactly one of them, or None."""
    if bool(username) == bool(team):
        problems.add("user", Message("performance.subject.one"))
    elif username and username not in users:
        problems.add("user", Message("input.does_not_exist"))
    elif team and team not in teams:
        problems.add("team", Message("input.does_not_exist"))
    else:
        return ("user", users[username]) if username else ("team", teams[team])
    return None
