"""A change to records: the summary of what changed (old and new values of each changed
field), and the outbox event carrying it with the field-history rows that point at that
event, written in the writer's transaction.

One record at a time (updates, transfers) or set-based (a confirmed migration that
rewrites many stored values); both write the same event payload and history rows.
"""

from sqlalchemy import DateTime, Integer, String, func, insert, literal, select

from ..events.outbox import append_event, append_events_from
from ..fields.serialize import to_json
from ..schema.columns import ID_TYPE
from ..schema.system_tables import field_history, outbox
from .history import append_history_from, history_rows


def change_summary(obj, before, after):
    """``{name: {"old", "new"}}`` in JSON for each entry of ``after`` whose value differs from
    ``before[name]``; a name that is not a field of ``obj`` (e.g. ``owner``) keeps its value."""
    summary = {}
    for name, new in after.items():
        old = before[name]
        if old != new:
            kind = obj.fields[name]["type"] if name in obj.fields else None
            summary[name] = {"old": to_json(old, kind), "new": to_json(new, kind)}
    return summary


def write_change(conn, obj, record_id, event_type, changes, actor_id, now):
    """Append the ``event_type`` event ``{"changes": changes}`` for one record and a field-history
    row per entry of ``changes`` pointing at it; return the event's id."""
    event_id = append_event(conn, event_type, obj.name, record_id, {"changes": changes}, actor_id, now)
    conn.execute(insert(field_history), history_rows(obj, record_id, changes, actor_id, now, event_id))
    return event_id


def summary_sql(dialect, field, old, new, extra):
    """SQL aggregating a group's (field, old JSON, new JSON) rows into the payload ``write_change``
    writes: ``{"changes": {field: {"old", "new"}}, **extra}`` (``extra`` maps names to str or int)."""
    members = []
    for name, value in extra.items():
        members += [literal(name, String), literal(value, Integer if isinstance(value, int) else String)]
    if dialect == "postgresql":
        changes = func.json_object_agg(field, func.json_build_object(literal("old", String), old,
                                                                       literal("new", String), new))
        return func.json_build_object(literal("changes", String), changes, *members)
    changes = func.json_group_object(field, func.json_object("old", func.json(old), "new", func.json(new)))
    return func.json_object("changes", changes, *members)


def write_changes_from(conn, changed, where, object_name, *, actor_id, now, key, extra):
    """Set-based ``write_change``: for the rows of table ``changed`` (record_id, field, old_value,
    new_value as JSON) matching ``where``, one ``record.updated`` event per record, keyed by
    ``key`` (SQL unique per record, which finds the event again), and its history rows."""
    actor, when = literal(actor_id, ID_TYPE), literal(now, DateTime)
    payload = summary_sql(conn.dialect.name, changed.c.field, changed.c.old_value, changed.c.new_value, extra)
    append_events_from(conn, select(literal("record.updated"), literal(object_name), changed.c.record_id, payload,
                                    actor, when, key, literal(0))
                       .where(where).group_by(changed.c.record_id).order_by(changed.c.record_id))
    values = [literal(object_name), *[changed.c[c] for c in ("record_id", "field", "old_value", "new_value")]]
    append_history_from(conn, select(*values, actor, when, outbox.c.id)
                        .select_from(changed.join(outbox, outbox.c.idempotency_key == key))
                        .where(where).order_by(changed.c.record_id, changed.c.field))
