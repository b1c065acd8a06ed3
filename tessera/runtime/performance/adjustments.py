"""KPI adjustments: returns, credit notes, clawbacks and manual corrections of an actual.

An adjustment adds its value (negative to take away) to one person's actual of one KPI
in the period holding its date. Only KPIs whose measure adds up take them (SUM, COUNT);
``grouped_adjustments`` is the part of the actuals query that counts them.
"""

import sqlalchemy as sa
from sqlalchemy import delete, insert, select

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from ..errors import AdjustmentNotAdditive, PerformanceEntryNotFound
from ..fields.serialize import to_json
from ..schema.system_tables import kpi_adjustment as table
from .inputs import (
    Problems,
    is_id,
    parse_date,
    parse_decimal,
    parse_kpi,
    parse_user,
    unknown_fields,
)
from .kpis import kpi_definition
from .targets import kpi_scale
from . import data_version

FIELDS = ("kpi", "user", "date", "value", "reason", "record")
#: The measures an adjustment may count in: those whose values add across records.
ADJUSTABLE = ("SUM", "COUNT")
MAX_REASON = 1000


def adjustable(definition):
    """True when the KpiDefinition takes adjustments: a measured KPI summing or counting."""
    return definition.derived is None and definition.measure.function in ADJUSTABLE


def adjustment_json(row):
    """``{"id", "kpi", "user", "date", "value", "reason", "record", "created_by", "created_at"}``."""
    record = {"object": row.record_object, "id": row.record_id} if row.record_object else None
    return {"id": row.id, "kpi": row.kpi, "user": row.user_id, "date": row.day.isoformat(), "value": row.value,
            "reason": row.reason, "record": record, "created_by": row.created_by,
            "created_at": to_json(row.created_at)}


def check_adjustment(conn, model, body):
    """(kpi, user id, date, Decimal value, reason, record or None) of an adjustment body;
    raises PerformanceInputInvalid, or AdjustmentNotAdditive for an AVG, MIN, MAX,
    COUNT_DISTINCT or derived KPI."""
    problems = Problems("performance.adjustment.invalid")
    unknown_fields(problems, body, FIELDS)
    doc = parse_kpi(problems, model, body.get("kpi"))
    user_id = parse_user(problems, conn, body.get("user"))
    day = parse_date(problems, "date", body.get("date"))
    value = parse_decimal(problems, "value", body.get("value"), kpi_scale(doc or {}))
    reason = body.get("reason")
    if not isinstance(reason, str) or not 1 <= len(reason.strip()) <= MAX_REASON:
        problems.add("reason", Message("input.text_length", min=1, max=MAX_REASON))
    record = _record(problems, conn, model, body.get("record"))
    problems.raise_any()
    if not adjustable(kpi_definition(model, body["kpi"])):
        raise AdjustmentNotAdditive("performance.adjustment.not_additive", kpi=body["kpi"],
                                    errors={"kpi": [Message("performance.adjustment.sum_or_count")]})
    return body["kpi"], user_id, day, value, reason.strip(), record


def _record(problems, conn, model, record):
    """The (object, id) an adjustment refers to, which must exist; None for none."""
    if record is None:
        return None
    name = record.get("object") if isinstance(record, dict) else None
    obj = model.objects.get(name) if isinstance(name, str) else None
    ident = record.get("id") if isinstance(record, dict) else None
    if obj is None or not is_id(ident) or set(record) - {"object", "id"}:
        problems.add("record", Message("performance.record.shape"))
        return None
    if conn.execute(select(obj.table.c.id).where(obj.table.c.id == ident)).first() is None:
        problems.add("record", Message("input.does_not_exist"))
        return None
    return obj.name, ident


def write_adjustment(conn, ctx, kpi, user_id, day, value, reason, record):
    """Store an adjustment and return its row."""
    row = {"kpi": kpi, "user_id": user_id, "day": day, "value": str(value), "reason": reason,
           "record_object": record[0] if record else None, "record_id": record[1] if record else None,
           "created_by": ctx.user_id, "created_at": utcnow()}
    new_id = conn.execute(insert(table).returning(table.c.id), [row]).scalar_one()
    data_version.bump(conn)
    return conn.execute(select(table).where(table.c.id == new_id)).first()


def list_adjustments(conn, *, kpi=None, user_id=None, period=None, visible_user=None, after=0, limit=100):
    """Adjustment rows by id after ``after``, filtered by KPI, person and period (its days)."""
    query = select(table).where(table.c.id > after)
    if kpi is not None:
        query = query.where(table.c.kpi == kpi)
    for one in (user_id, visible_user):
        if one is not None:
            query = query.where(table.c.user_id == one)
    if period is not None:
        query = query.where(table.c.day >= period.start, table.c.day <= period.end)
    return conn.execute(query.order_by(table.c.id).limit(limit)).all()


def delete_adjustment(conn, adjustment_id):
    """Delete adjustment ``adjustment_id`` and return its row; raises PerformanceEntryNotFound."""
    row = conn.execute(select(table).where(table.c.id == adjustment_id)).first() \
        if is_id(adjustment_id) else None
    if row is None:
        raise PerformanceEntryNotFound("performance.adjustment.not_found", id=adjustment_id)
    conn.execute(delete(table).where(table.c.id == row.id))
    data_version.bump(conn)
    return row


def adjustment_lines(conn, kpi_name, user_id, period):
    """The adjustments of ``kpi_name`` credited to ``user_id`` in ``period`` (a Period), by date:
    ``[{"id", "date", "value", "reason", "record"}]``, values as exact decimal text."""
    query = (select(table).where(table.c.kpi == kpi_name, table.c.user_id == user_id,
                                 table.c.day >= period.start, table.c.day <= period.end)
             .order_by(table.c.day, table.c.id))
    return [{key: found[key] for key in ("id", "date", "value", "reason", "record")}
            for found in map(adjustment_json, conn.execute(query))]


def grouped_adjustments(kpi_name, ranges, users, factor, skip=()):
    """SELECT person, idx, value: the adjustments of ``kpi_name`` summed per person and period
    of ``ranges`` (a derived table idx, start, stop of dates, stop exclusive; with a
    ``person`` column, each range that person's only), times ``factor`` (100 under split
    credit, whose sums are divided by 100 later); only ``users`` when given, never ``skip``."""
    value = sa.cast(table.c.value, sa.Numeric(38, 10))
    value = value * factor if factor != 1 else value
    on = [table.c.day >= ranges.c.start, table.c.day < ranges.c.stop]
    if "person" in ranges.c:
        on.append(table.c.user_id == ranges.c.person)
    query = (select(table.c.user_id.label("person"), ranges.c.idx, sa.func.sum(value).label("value"))
             .select_from(table.join(ranges, sa.and_(*on)))
             .where(table.c.kpi == kpi_name)
             .group_by(table.c.user_id, ranges.c.idx))
    if users is not None:
        query = query.where(table.c.user_id.in_(sorted(set(users))))
    if skip:
        query = query.where(table.c.user_id.not_in(sorted(skip)))
    return query
