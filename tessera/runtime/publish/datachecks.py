"""What a lossy plan step would lose: counted against the live tables before applying;
once confirmed, the value each affected row is left with and the record of the change."""

import hashlib
from decimal import Decimal

from sqlalchemy import (JSON, Column, DateTime, MetaData, String, Table, case, cast, func, insert, literal, null, or_,
                        select, text, update)

from tessera.i18n import Message
from tessera.metadata.formulas import storage_doc
from tessera.metadata.store import utcnow

from ..schema.columns import ID_TYPE, table_name
from ..records.changes import write_changes_from
from ..records.history import json_null, stored_json
from ..events.outbox import append_events_from
from ..records.rollups import recompute_all


def _like_member(column, value):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (literal(";") + column + literal(";")).like(f"%;{escaped};%", escape="\\")


def _numeric_loss(column, check):
    limit = Decimal(10) ** (check["precision"] - check["scale"])
    return or_(func.abs(column) >= limit, column != func.round(column, check["scale"]))


CONDITIONS = {
    "non_null": lambda c, check: c.is_not(None),
    "longer_than": lambda c, check: func.length(c) > check["length"],
    "value_in": lambda c, check: c.in_(check["values"]),
    "value_not_in": lambda c, check: c.is_not(None) & c.not_in(check["values"]),
    "multi_value_in": lambda c, check: or_(*[_like_member(c, v) for v in check["values"]]),
    "numeric_overflow": _numeric_loss,
}

def affected_rows(conn, old_model, step):
    """Count the rows ``step`` would lose data in; 0 when the step is safe."""
    check = step.get("data_check")
    model = old_model.objects.get(step["object"]) if old_model else None
    if not check or model is None:
        return 0
    table = model.table
    if check["kind"] == "any_rows":
        return conn.execute(select(func.count()).select_from(table)).scalar_one()
    column = table.c[step["field"]]
    condition = CONDITIONS[check["kind"]](column, check)
    return conn.execute(select(func.count()).select_from(table).where(condition)).scalar_one()


def annotate_losses(conn, old_model, steps):
    """Mark each step with ``lossy`` and a ``loss`` sentence; return the lossy ones."""
    lossy = []
    for step in steps:
        count = affected_rows(conn, old_model, step)
        step["lossy"] = count > 0
        if count:
            check = step["data_check"]
            step["affected_records"] = count
            step["loss"] = Message(f"publish.loss.{check['kind']}", n=count, object=step["object"],
                                   field=step["field"], length=check.get("length"))
            lossy.append(step)
    return lossy


def condition_for(table, step):
    """The WHERE clause selecting the rows a confirmed lossy step must repair first."""
    check = step["data_check"]
    column = table.c[step["field"]]
    return column, CONDITIONS[check["kind"]](column, check)


def _without_members(column, removed):
    """``column`` (values joined by ';') without the ``removed`` values; NULL when none is left."""
    padded = literal(";") + column + literal(";")
    for value in removed:  # stored values are distinct, so one replace per value suffices
        padded = func.replace(padded, f";{value};", ";")
    return case((padded == ";", null()), else_=func.substr(padded, 2, func.length(padded) - 2))


def repaired_value(column, check):
    """The value a row selected by ``check`` keeps once the lossy step is confirmed: the
    text cut to length, the multi-picklist without the removed options, the number rounded
    to the new scale (NULL only when it still does not fit), else NULL."""
    if check["kind"] == "longer_than":
        return func.substr(column, 1, check["length"])
    if check["kind"] == "multi_value_in":
        return _without_members(column, check["values"])
    if check["kind"] == "numeric_overflow":
        rounded = func.round(column, check["scale"])
        limit = Decimal(10) ** (check["precision"] - check["scale"])
        return case((func.abs(rounded) < limit, rounded), else_=null())
    return null()


# -- recording what a confirmed publish changed -------------------------------------------------

#: Plan operations that change or drop stored values when their step is lossy.
REWRITING_OPS = {"alter_column", "restrict_values", "drop_column"}
MIGRATION_REASON = "migration"


def rewrites_values(step):
    """Whether ``step`` changes or drops stored values when it is applied."""
    return bool(step.get("lossy")) and step["op"] in REWRITING_OPS


def _rewriting_steps(steps):
    """The steps that change or drop stored values, by object."""
    found = {}
    for step in filter(rewrites_values, steps):
        found.setdefault(step["object"], []).append(step)
    return found


def _temp_table(conn, name, *columns):
    """Create a temporary table (gone with the connection, or with the rollback) and return it."""
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])
    table.create(conn)
    return table


def _snapshot(conn, name, table, steps):
    """Copy (id, old values) of the rows ``steps`` will change into temporary table ``name``."""
    fields = list(dict.fromkeys(step["field"] for step in steps))
    if conn.dialect.name == "postgresql":
        # Writers must wait until the publish commits: a value changed between this copy
        # and the rewrite would be recorded with the wrong old value.
        conn.execute(text(f"LOCK TABLE {conn.dialect.identifier_preparer.quote(table.name)} IN EXCLUSIVE MODE"))
    snapshot = _temp_table(conn, name, Column("id", ID_TYPE, primary_key=True),
                           *[Column(f, table.c[f].type) for f in fields])
    rows = select(table.c.id, *[table.c[f] for f in fields]).where(or_(*[condition_for(table, s)[1] for s in steps]))
    conn.execute(insert(snapshot).from_select(["id", *fields], rows))
    return snapshot


#: Fields per JSON-building call: both databases cap a function's arguments (100 / 127).
_PAIRS_PER_CALL = 40


def _values_object(dialect, pairs):
    """SQL building one JSON object of ``pairs`` (name, JSON value), however many there are."""
    chunks = [pairs[i:i + _PAIRS_PER_CALL] for i in range(0, len(pairs), _PAIRS_PER_CALL)] or [[]]
    if dialect == "postgresql":
        parts = [func.jsonb_build_object(*[x for name, value in chunk for x in (literal(name, String), value)])
                 for chunk in chunks]
        merged = parts[0]
        for part in parts[1:]:
            merged = merged.op("||")(part)
        return merged
    merged = func.json_object(*[x for name, value in chunks[0] for x in (literal(name, String), func.json(value))])
    for chunk in chunks[1:]:  # json_set, not json_patch: a merge patch would drop the nulls
        merged = func.json_set(merged, *[x for name, value in chunk for x in (literal(f"$.{name}"), func.json(value))])
    return merged


class ValueChanges:
    """Records the stored values confirmed lossy steps change, as an update would record them.

    ``capture`` copies the rows about to change, before any step runs; ``record``, once
    the values are rewritten, writes per object and set-based: one field-history row per
    changed value (a dropped field's last value -> null), one ``record.updated`` event
    per changed record (``"reason": "migration"``), a new version, fresh roll-ups.
    """

    def __init__(self, conn, old_model, new_model, steps, actor_id):
        self.conn, self.old, self.new, self.actor_id = conn, old_model, new_model, actor_id
        self.replaced = {(s["object"], s["field"]) for s in steps if s["op"] == "drop_column"}
        self.snapshots = {}  # object name -> temporary table of (id, old values)

    @classmethod
    def capture(cls, conn, old_model, new_model, steps, actor_id):
        """Snapshot the rows every confirmed lossy step of ``steps`` is about to change."""
        changes = cls(conn, old_model, new_model, steps, actor_id)
        for index, (name, rewriting) in enumerate(sorted(_rewriting_steps(steps).items())):
            obj = old_model.objects[name]
            # Roll-ups are derived: they are recomputed, never recorded, as on record writes.
            rewriting = [s for s in rewriting if obj.fields[s["field"]]["type"] != "rollup"]
            if rewriting:
                changes.snapshots[name] = _snapshot(conn, f"tessera_lossy_{index}", obj.table, rewriting)
        for step in steps:
            if step["op"] == "drop_table" and step.get("lossy"):
                changes.record_deletions(old_model.objects[step["object"]])
        return changes

    def record_deletions(self, obj):
        """One ``record.deleted`` event per record of ``obj``, whose table is about to be dropped,
        carrying its values as a delete's event does (plus the migration's reason and revision)."""
        dialect, table, now = self.conn.dialect.name, obj.table, utcnow()
        prefix = f"migration:{self.new.revision}:drop:{hashlib.sha1(obj.name.encode()).hexdigest()[:12]}:"
        values = _values_object(dialect, [(n, stored_json(table.c[n], storage_doc(obj.fields[n], self.old.documents),
                                                        dialect)) for n in obj.stored_fields])
        if dialect == "postgresql":
            payload = cast(func.jsonb_build_object("values", values, "reason", MIGRATION_REASON,
                                                   "revision", self.new.revision), JSON)
        else:
            payload = func.json_object("values", values, "reason", MIGRATION_REASON, "revision", self.new.revision)
        key = literal(prefix, String).concat(cast(table.c.id, String))
        append_events_from(self.conn, select(literal("record.deleted"), literal(obj.name), table.c.id, payload,
                                             literal(self.actor_id, ID_TYPE), literal(now, DateTime), key, literal(0))
                           .order_by(table.c.id))

    def record(self):
        """Write history, events and versions for every value that changed since ``capture``."""
        if not self.snapshots:
            return
        changed = _temp_table(self.conn, "tessera_lossy_changes", Column("object", String(63)),
                              Column("record_id", ID_TYPE), Column("field", String(63)),
                              Column("old_value", JSON), Column("new_value", JSON))
        now = utcnow()
        for name, snapshot in self.snapshots.items():
            for column in list(snapshot.c)[1:]:
                query = self._field_changes(name, snapshot, column.name)
                self.conn.execute(insert(changed).from_select([c.name for c in changed.c], query))
            if self.conn.dialect.name == "postgresql":
                # Temporary tables get no statistics of their own; without them the
                # planner takes 100k changes for a hundred and sorts on disk.
                self.conn.execute(text("ANALYZE tessera_lossy_changes"))
            self._write(name, changed, now)
            snapshot.drop(self.conn)
        changed.drop(self.conn)

    def _field_changes(self, name, snapshot, field):
        """Rows (object, record id, field, old JSON, new JSON) of the values of ``field`` that changed."""
        dialect = self.conn.dialect.name
        old = stored_json(snapshot.c[field], storage_doc(self.old.objects[name].fields[field], self.old.documents),
                          dialect)
        if (name, field) in self.replaced:  # the column was dropped: its values are gone
            return (select(literal(name), snapshot.c.id, literal(field), old, json_null(dialect))
                    .where(snapshot.c[field].is_not(None)))
        obj = self.new.objects[name]
        table, new_doc = obj.table, storage_doc(obj.fields[field], self.new.documents)
        return (select(literal(name), snapshot.c.id, literal(field), old, stored_json(table.c[field], new_doc, dialect))
                .select_from(snapshot.join(table, table.c.id == snapshot.c.id))
                .where(snapshot.c[field].is_distinct_from(table.c[field])))

    def _write(self, name, changed, now):
        """One event per changed record of ``name``, its history rows pointing at it, a new version."""
        mine = changed.c.object == name
        # One key per (revision, object, record): unique, and it finds the event again.
        prefix = f"migration:{self.new.revision}:{hashlib.sha1(name.encode()).hexdigest()[:12]}:"
        key = literal(prefix, String).concat(cast(changed.c.record_id, String))
        write_changes_from(self.conn, changed, mine, name, actor_id=self.actor_id, now=now, key=key,
                           extra={"reason": MIGRATION_REASON, "revision": self.new.revision})
        self._bump_versions(self.new.objects[name], select(changed.c.record_id).where(mine), now)

    def _bump_versions(self, obj, record_ids, now):
        """Give the records in ``record_ids`` a new version, as the publishing user's change."""
        table = obj.table
        self.conn.execute(update(table).where(table.c.id.in_(record_ids))
                          .values(version=table.c.version + 1, updated_by=self.actor_id, updated_at=now))
        for parent, rollup in obj.rollups_fed:
            recompute_all(self.conn, self.new, self.new.objects[parent], rollup)

__all__ = ["ValueChanges", "affected_rows", "annotate_losses", "condition_for", "repaired_value",
           "rewrites_values", "table_name"]
