"""The records behind one person's actual, one page at a time: date, value, share, contribution.

The same credit, filter and date rules as the grouped actuals query, without the
grouping, ordered by (date, id) and paged by that key. Which records the viewer may
read is one more column of the same query (their row condition); a record they may not
read shows only its date and contribution.
"""

import base64
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from tessera.formula import compile_sql, compile_sql_filter
from tessera.i18n import Message

from ..errors import InvalidQuery, PermissionDenied
from ..schema.formulas import TableBinder
from .actuals import _credit
from .grouping import is_datetime, period_ranges

_HUNDRED = Decimal(100)
#: The measures whose lines add up to the actual.
ADDING = ("SUM", "COUNT")


def _bad_cursor():
    return InvalidQuery("performance.explain.bad_cursor", errors={"cursor": [Message("performance.explain.cursor")]})


def encode_cursor(day, record_id):
    """The opaque cursor after the line dated ``day`` of record ``record_id``."""
    return base64.urlsafe_b64encode(f"{day.isoformat()}|{record_id}".encode()).decode().rstrip("=")


def decode_cursor(text, instants):
    """(day or instant, record id) of a cursor; raises InvalidQuery naming ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        day, record_id = raw.split("|")
        moment = datetime.fromisoformat(day) if instants else date.fromisoformat(day)
        return moment, int(record_id)
    except (ValueError, UnicodeDecodeError):
        raise _bad_cursor() from None


def _readable(conn, runtime, viewer, obj):
    """A SQL truth of "the viewer may read this row", or None when they may read none."""
    try:
        access = runtime.access.records(conn, viewer, obj, "read")
    except PermissionDenied:
        return None, ()
    return (sa.true() if access.condition is None else access.condition), tuple(access.readable)


def _title_column(obj, readable_fields):
    text_fields = [name for name, f in obj.fields.items() if f.get("type") == "text" and name in readable_fields]
    return obj.table.c[text_fields[0]] if text_fields else None


def _contribution(function, value, share):
    if function not in ADDING:
        return None
    base = (value if value is not None else Decimal(0)) if function == "SUM" else Decimal(value is not None)
    return base if share is None else base * share / _HUNDRED


def record_lines(conn, runtime, viewer, model, definition, user_id, periods, *, cursor=None, limit=50):
    """(lines, next cursor or None): the records credited to ``user_id`` inside ``periods``, after
    ``cursor`` (a previous page's next cursor; a bad one raises InvalidQuery naming ``cursor``)."""
    doc, measure = definition.doc, definition.measure
    obj = model.objects[doc["object"]]
    env = runtime.eval_env()
    binder = TableBinder(model, obj, env, conn.dialect.name)
    value = compile_sql(measure.argument, binder, env) if measure.argument is not None else sa.literal(1)
    conditions = [compile_sql_filter(definition.filter, binder, env)] if definition.filter is not None else []
    instants = is_datetime(obj, doc["date_field"])
    moment = binder.expression(doc["date_field"])
    ranges = period_ranges(periods, instants, runtime.timezone)
    source, person, share = _credit(model, obj, binder, doc["credit"])
    readable, fields = _readable(conn, runtime, viewer, obj)
    title = _title_column(obj, fields)
    may_read = sa.case((readable, 1), else_=0) if readable is not None else sa.literal(0)
    columns = [obj.table.c.id.label("id"), moment.label("day"), value.label("value"),
               (share if share is not None else sa.null()).label("share"), may_read.label("readable"),
               (title if title is not None else sa.null()).label("title")]
    query = (sa.select(*columns)
             .select_from(source.join(ranges, sa.and_(moment >= ranges.c.start, moment < ranges.c.stop)))
             .where(person == user_id, *conditions))
    if cursor:
        day, last_id = decode_cursor(cursor, instants)
        query = query.where(sa.or_(moment > day, sa.and_(moment == day, obj.table.c.id > last_id)))
    rows = conn.execute(query.order_by(moment, obj.table.c.id).limit(limit + 1)).all()
    lines = [_line(obj, measure.function, row, definition.scale) for row in rows[:limit]]
    following = encode_cursor(rows[limit - 1].day, rows[limit - 1].id) if len(rows) > limit else None
    return lines, following


def _decimal(value):
    return None if value is None else Decimal(str(value))


def shown(value, scale):
    """``value`` at ``scale`` places when that is exact, else with every digit it has (so that
    shares of a split still add up exactly to the actual)."""
    if value is None:
        return None
    at_scale = value.quantize(Decimal(1).scaleb(-scale))
    return str(at_scale) if at_scale == value else plain(value)


def plain(value):
    """``value`` without trailing zeros and never in exponent notation (40, not 4E+1)."""
    return format(value.normalize(), "f")


def _line(obj, function, row, scale):
    value, share = _decimal(row.value), _decimal(row.share)
    contribution = _contribution(function, value, share)
    day = row.day if isinstance(row.day, (date, datetime)) else date.fromisoformat(str(row.day))
    line = {"type": "record", "date": day.isoformat(), "value": shown(value, scale),
            "share": None if share is None else plain(share),
            "contribution": shown(contribution, scale)}
    if row.readable:
        return {**line, "record": {"object": obj.name, "id": row.id, "title": row.title}}
    return {**line, "record": None, "label": Message("performance.explain.hidden_record")}
