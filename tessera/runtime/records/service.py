"""The records service: create, read, update and delete records of published objects.

Every operation takes a Context, asks the access policy (``runtime.access``) what that
context may do, validates through the object's
generated loaders and writes the record, its field history and its outbox event in one
transaction.
"""

from marshmallow import ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from .autonumber import fill_auto_numbers
from .computed import RecordView, apply_default_formulas, check_rules
from ..errors import ConflictingValue, RecordInvalid, StaleVersion
from .changes import change_summary, write_change
from .history import read_history
from .layouts import check_layout_writes, layout_for
from .lifecycle import RecordLifecycle
from .ids import reserve_ids
from ..events.outbox import append_events, event_row
from .query import check_field_names, list_page
from .references import check_references, delete_actions
from .rollups import refresh_parents
from .selection import select_rows
from ..fields.serialize import record_json, to_json, values_json


def load_input(loader, payload, *, index=None):
    """Validate and coerce one payload; raise RecordInvalid keyed by field path."""
    if not isinstance(payload, dict):
        path = "$" if index is None else f"[{index}]"
        raise RecordInvalid("record.not_an_object", errors={path: [Message("input.not_an_object")]})
    try:
        return loader.load(payload)
    except ValidationError as error:
        prefix = "" if index is None else f"[{index}]."
        errors = {f"{prefix}{k}": (v if isinstance(v, list) else [str(v)]) for k, v in error.messages.items()}
        raise RecordInvalid("record.invalid", errors=errors) from None


def load_all(obj, payloads, single):
    """Load every payload, collecting the errors of all of them before refusing the batch."""
    rows, errors = [], {}
    for index, payload in enumerate(payloads):
        try:
            rows.append(load_input(obj.create_loader, with_defaults(obj, payload), index=None if single else index))
        except RecordInvalid as error:
            errors.update(error.errors)
    if errors:
        raise RecordInvalid("record.invalid" if single else "record.batch_invalid", errors=errors)
    return rows


def with_defaults(obj, payload):
    """Return ``payload`` with each missing field's static default filled in."""
    if not isinstance(payload, dict):
        return payload
    missing = {n: f["default"] for n, f in obj.fields.items()
               if "default" in f and not isinstance(f["default"], dict) and n not in payload}
    return {**missing, **payload} if missing else payload


class Placement:
    """The owners of records about to be created, one per row, and what to do once they have ids."""

    def __init__(self, owners, after=None):
        self.owners, self._after = list(owners), after

    def placed(self, conn, ids):
        """Called with the new records' ids, in the creating transaction, after their insert."""
        if self._after is not None:
            self._after(conn, ids)


class RecordService:
    """Record operations over the compiled model of the current revision."""

    def __init__(self, runtime, listeners=()):
        self.runtime = runtime
        self.access = runtime.access
        #: The record lifecycle hooks (``lifecycle.py``): plugins' listeners, then automation's.
        self.lifecycle = RecordLifecycle(listeners)
        #: ``guard(conn, ctx, obj, current_row)`` callables asked before a record is changed or
        #: deleted; each may raise to refuse (the approvals room's record lock is one).
        self.write_guards = []
        #: ``owner_rules(conn, ctx, model, obj, rows)``: the Placement of new records whose creator
        #: named no owner (the automation room's assignment rules), or None to keep the creator.
        self.owner_rules = None

    # -- reading -------------------------------------------------------------------

    def get(self, ctx, object_name, record_id, *, fields=None):
        """Return the record as JSON, or raise RecordNotFound if ``ctx`` cannot see it."""
        with self.runtime.read() as conn:
            model, obj = self.runtime.object_for(conn, object_name)
            names = self._output_fields(self.access.object_access(ctx, obj, "read"), fields)
            row = self.access.record(conn, ctx, obj, record_id)
            found = record_json(obj, self._with_formulas(conn, ctx, model, obj, row, names), names)
        self.runtime.overrides.read(ctx, obj, "read", record_id=record_id, owner_id=row["owner_id"])
        return found

    def _with_formulas(self, conn, ctx, model, obj, row, names):
        if not obj.formulas:
            return row
        wanted = [n for n in names if n in obj.formulas]
        if not wanted:
            return row
        env = self.runtime.eval_env(ctx, conn, model)
        view = RecordView(obj, dict(row), env)
        return {**row, **{n: view[n] for n in wanted}}

    def list(self, ctx, object_name, *, filters=None, formula=None, sort=None, fields=None, limit=None,
             cursor=None, search=None):
        """Return one page {"items", "next_cursor"} of the records ``ctx`` may see.

        ``filters`` maps field names to values (equality); ``formula`` is a boolean
        formula run in SQL; ``search`` keeps records whose title (or an indexed text field)
        starts with it, ignoring case; formula fields are computed in the SELECT.
        """
        with self.runtime.read() as conn:
            rows = select_rows(self.runtime, conn, ctx, object_name, filters=filters, formula=formula, search=search,
                               listing=True)
            page = list_page(conn, rows.obj, rows.readable, binder=rows.binder, sort=sort, fields=fields,
                             limit=limit, cursor=cursor, conditions=rows.conditions)
            self._fill_python_formulas(conn, ctx, rows.model, rows.obj, page.items, page.rows, page.names)
        self.runtime.overrides.read(ctx, rows.obj, "list")
        return page.json()

    def _fill_python_formulas(self, conn, ctx, model, obj, items, rows, names):
        pending = [n for n in names if n in obj.formulas and not obj.formulas[n].pushable]
        if not pending:
            return
        env = self.runtime.eval_env(ctx, conn, model)
        for item, row in zip(items, rows):
            view = RecordView(obj, dict(row), env)
            item.update({n: to_json(view[n]) for n in pending})

    @staticmethod
    def _output_fields(grant, requested):
        obj, readable = grant.obj, grant.readable
        if not requested:
            return readable
        check_field_names(obj, requested, readable, label="fields")
        return [n for n in requested if n in obj.fields]

    def history(self, ctx, object_name, record_id):
        """Return the record's field history, oldest first, starting with its creation."""
        with self.runtime.read() as conn:
            _, obj = self.runtime.object_for(conn, object_name)
            row = self.access.record(conn, ctx, obj, record_id)
            items = read_history(conn, obj, row, self.access.history_fields(ctx, obj))
        self.runtime.overrides.read(ctx, obj, "history", record_id=record_id, owner_id=row["owner_id"])
        return items

    # -- creating ------------------------------------------------------------------

    def create(self, ctx, object_name, payload, *, owner_id=None):
        """Validate ``payload`` and store it as a new record; return it. Its owner is ``owner_id``
        when given, else whom the object's assignment rules choose, else the actor."""
        with self.runtime.write() as conn:
            self._check_layout(conn, ctx, object_name, [payload], creating=True)
            return self.create_in(conn, ctx, object_name, payload, owner_id=owner_id)

    def create_in(self, conn, ctx, object_name, payload, *, owner_id=None):
        """``create`` inside the caller's write transaction on ``conn``."""
        model, obj = self.runtime.object_for(conn, object_name)
        ids = self._insert(conn, ctx, model, obj, [payload], single=True, owner_id=owner_id)
        row = self.access.record(conn, ctx, obj, ids[0])
        names = self.access.readable_fields(ctx, obj)
        return record_json(obj, self._with_formulas(conn, ctx, model, obj, row, names), names)

    def create_many(self, ctx, object_name, payloads, *, owner_id=None):
        """Create every record in ``payloads`` in one transaction, or none; return their ids."""
        with self.runtime.write() as conn:
            self._check_layout(conn, ctx, object_name, payloads, creating=True, single=False)
            return self.create_many_in(conn, ctx, object_name, payloads, owner_id=owner_id)

    def _check_layout(self, conn, ctx, object_name, payloads, **how):
        """The form layout ``ctx`` gets binds its interactive writes (see ``layouts.py``); a
        missing object right is refused first, as it would be without a layout."""
        if ctx.is_admin:
            return
        model, obj = self.runtime.object_for(conn, object_name)
        if layout_for(model, ctx, obj.name) is not None:
            grant = self.access.object_access(ctx, obj, "create" if how.get("creating") else "edit")
            check_layout_writes(model, ctx, obj, payloads, editable=grant.editable, **how)

    def create_many_in(self, conn, ctx, object_name, payloads, *, single=False, owner_id=None):
        """``create_many`` inside the caller's write transaction on ``conn``; with ``single``
        (one payload) its errors are keyed by field as a single create's are."""
        model, obj = self.runtime.object_for(conn, object_name)
        return self._insert(conn, ctx, model, obj, payloads, single=single, owner_id=owner_id)

    def _placement(self, conn, ctx, model, obj, rows, owner_id):
        if owner_id is not None or self.owner_rules is None:
            return Placement([owner_id or ctx.user_id] * len(rows))
        placement = self.owner_rules(conn, ctx, model, obj, rows)
        return placement or Placement([ctx.user_id] * len(rows))

    def _insert(self, conn, ctx, model, obj, payloads, *, single, owner_id=None):
        grant = self.access.object_access(ctx, obj, "create")
        for payload in payloads:
            grant.check_writes(payload.keys() if isinstance(payload, dict) else ())
        rows = load_all(obj, payloads, single)
        path = (lambda i, n: n) if single else (lambda i, n: f"[{i}].{n}")
        check_references(conn, model, obj, rows, path=path, reader=ctx, access=self.access)
        if obj.default_formulas or obj.rules:
            self._apply_formulas_on_create(conn, ctx, model, obj, rows, single)
        if single:
            self._check_unique(conn, ctx, obj, rows[0], None)
        placement = self._placement(conn, ctx, model, obj, rows, owner_id)
        now = utcnow()
        fill_auto_numbers(conn, obj, rows, now)
        if self.lifecycle.wanted("before_save"):
            for row in rows:
                self.lifecycle.call("before_save", self.runtime, conn, ctx, obj, row, None)
        system = {"created_by": ctx.user_id, "created_at": now,
                  "updated_by": ctx.user_id, "updated_at": now, "version": 1}
        blank = dict.fromkeys(obj.stored_fields)
        blank.update({n: 0 for n, f in obj.fields.items()
                      if f["type"] == "rollup" and f["function"] in ("COUNT", "SUM")})
        full = [{**blank, **system, **row, "owner_id": owner} for row, owner in zip(rows, placement.owners)]
        ids = self._execute_insert(conn, obj, full)
        events = [event_row("record.created", obj.name, rid,
                            {"values": values_json(obj, row), "owner": owner},
                            ctx.user_id, now) for rid, row, owner in zip(ids, rows, placement.owners)]
        append_events(conn, events)
        placement.placed(conn, ids)
        if obj.rollups_fed:
            refresh_parents(conn, model, obj, [], rows)
        if self.lifecycle.wanted("after_save"):
            for row in full:
                self.lifecycle.call("after_save", self.runtime, conn, ctx, obj, row, None)
        return ids

    def _apply_formulas_on_create(self, conn, ctx, model, obj, rows, single):
        env = self.runtime.eval_env(ctx, conn, model, is_new=True)
        for index, row in enumerate(rows):
            apply_default_formulas(obj, row, env)
            view = RecordView(obj, {"owner_id": ctx.user_id, "created_by": ctx.user_id, **row}, env)
            check_rules(obj, view, env, path="" if single else f"[{index}].",
                        readable=self.access.readable_fields(ctx, obj))

    def _execute_insert(self, conn, obj, rows):
        table = obj.table
        ids = reserve_ids(conn, table, len(rows))
        for record_id, row in zip(ids, rows):
            row["id"] = record_id
        try:
            with conn.begin_nested():
                conn.execute(insert(table), rows)
                return ids
        except IntegrityError:
            raise ConflictingValue("record.unique.batch", object=obj.name) from None

    def _check_unique(self, conn, ctx, obj, values, record_id):
        """Raise ConflictingValue when a unique field's value is taken; a field the actor
        may not read is not named."""
        taken = []
        for name, field_doc in obj.fields.items():
            if not field_doc.get("unique") or values.get(name) is None:
                continue
            query = select(obj.table.c.id).where(obj.table.c[name] == values[name])
            if record_id is not None:
                query = query.where(obj.table.c.id != record_id)
            if conn.execute(query.limit(1)).first():
                taken.append(name)
        if not taken:
            return
        readable = set(self.access.readable_fields(ctx, obj))
        errors = {n: [Message("record.unique.value_taken")] for n in taken if n in readable}
        if len(errors) < len(taken):
            raise ConflictingValue("record.unique.hidden_taken", errors=errors)
        raise ConflictingValue("record.unique.taken", errors=errors)

    # -- updating ------------------------------------------------------------------

    def update(self, ctx, object_name, record_id, payload, *, expected_version=None):
        """Apply the fields in ``payload``; a stale ``version`` raises StaleVersion. Return the record."""
        if isinstance(payload, dict) and "version" in payload:
            payload = dict(payload)
            expected_version = _version(payload.pop("version"), expected_version)
        with self.runtime.write() as conn:
            self._check_layout(conn, ctx, object_name, [payload], creating=False)
            return self.update_in(conn, ctx, object_name, record_id, payload, expected_version=expected_version)

    def update_in(self, conn, ctx, object_name, record_id, payload, *, expected_version=None):
        """``update`` inside the caller's write transaction on ``conn``."""
        model, obj = self.runtime.object_for(conn, object_name)
        self.access.object_access(ctx, obj, "edit").check_writes(payload.keys() if isinstance(payload, dict) else ())
        values = load_input(obj.update_loader, payload)
        current = self.access.record(conn, ctx, obj, record_id, "edit", for_update=True)
        self.check_write_guards(conn, ctx, obj, current)
        self.runtime.overrides.changed(conn, ctx, obj, "edit", current)
        if expected_version is not None and current["version"] != expected_version:
            raise StaleVersion("record.version.stale", object=obj.name, id=record_id,
                               version=current["version"], expected=expected_version)
        check_references(conn, model, obj, [values], reader=ctx, access=self.access, current=current)
        self._check_unique(conn, ctx, obj, values, record_id)
        candidate = {**current, **values}
        if obj.rules:
            env = self.runtime.eval_env(ctx, conn, model)
            env.prior = RecordView(obj, dict(current), env)
            check_rules(obj, RecordView(obj, candidate, env), env, readable=self.access.readable_fields(ctx, obj))
        if self.lifecycle.wanted("before_save"):
            values = self._before_save(conn, ctx, obj, current, values, candidate)
        written = self._write_changes(conn, ctx, obj, current, values)
        if obj.rollups_fed:
            refresh_parents(conn, model, obj, [current], [candidate])
        if written is not None and self.lifecycle.wanted("after_save"):
            self.lifecycle.call("after_save", self.runtime, conn, ctx, obj, written, dict(current))
        row = self.access.record(conn, ctx, obj, record_id)
        names = self.access.readable_fields(ctx, obj)
        return record_json(obj, self._with_formulas(conn, ctx, model, obj, row, names), names)

    def check_write_guards(self, conn, ctx, obj, current):
        """Ask every write guard whether ``ctx`` may change the stored row ``current``; a guard raises to refuse."""
        for guard in self.write_guards:
            guard(conn, ctx, obj, current)

    def _before_save(self, conn, ctx, obj, current, values, candidate):
        """Let the before_save listeners change ``candidate``; return the values to write."""
        self.lifecycle.call("before_save", self.runtime, conn, ctx, obj, candidate, dict(current))
        return {k: v for k, v in candidate.items()
                if k in values or (k in obj.stored_fields and v != current.get(k))}

    def _write_changes(self, conn, ctx, obj, current, values):
        """Write the changed ``values`` of the stored row ``current``; return the row as written
        (None when nothing changed)."""
        changes = change_summary(obj, current, values)
        if not changes:
            return None
        table, now = obj.table, utcnow()
        result = conn.execute(
            update(table)
            .where(table.c.id == current["id"], table.c.version == current["version"])
            .values(**{k: values[k] for k in changes}, version=current["version"] + 1, updated_by=ctx.user_id,
                    updated_at=now)
        )
        if result.rowcount != 1:
            raise StaleVersion("record.version.changed_meanwhile", object=obj.name, id=current["id"])
        write_change(conn, obj, current["id"], "record.updated", changes, ctx.user_id, now)
        return {**current, **values, "version": current["version"] + 1, "updated_by": ctx.user_id, "updated_at": now}

    # -- deleting ------------------------------------------------------------------

    def delete(self, ctx, object_name, record_id, *, expected_version=None):
        """Delete the record, applying each child lookup's on-delete rule, all or nothing."""
        with self.runtime.write() as conn:
            model, obj = self.runtime.object_for(conn, object_name)
            current = self.access.record(conn, ctx, obj, record_id, "delete", for_update=True)
            self.check_write_guards(conn, ctx, obj, current)
            self.runtime.overrides.changed(conn, ctx, obj, "delete", current)
            if expected_version is not None and current["version"] != expected_version:
                raise StaleVersion("record.version.current", object=obj.name, id=record_id, version=current["version"])
            self._delete_row(conn, ctx, model, obj, current)

    def _delete_row(self, conn, ctx, model, obj, current):
        if self.lifecycle.wanted("before_delete"):
            self.lifecycle.call("before_delete", self.runtime, conn, ctx, obj, dict(current))
        for child, field_doc, action, ids in delete_actions(conn, model, obj, current["id"]):
            for child_id in ids:
                # Referential actions are consequences of the delete: they reach children
                # whether or not the actor can see them.
                child_row = conn.execute(
                    select(child.table).where(child.table.c.id == child_id).with_for_update()).mappings().one()
                if action == "cascade":
                    self._delete_row(conn, ctx, model, child, child_row)
                else:
                    self._write_changes(conn, ctx, child, child_row, {field_doc["name"]: None})
        self.access.forget_record(conn, obj, current["id"])
        conn.execute(delete(obj.table).where(obj.table.c.id == current["id"]))
        if obj.rollups_fed:
            refresh_parents(conn, model, obj, [current], [])
        values = {k: to_json(current[k], obj.value_types[k]) for k in obj.stored_fields}
        append_events(conn, [event_row("record.deleted", obj.name, current["id"], {"values": values}, ctx.user_id)])
        if self.lifecycle.wanted("after_delete"):
            self.lifecycle.call("after_delete", self.runtime, conn, ctx, obj, dict(current))


def _version(value, fallback):
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordInvalid("record.version.shape", errors={"version": [Message("input.integer")]})
    return value if fallback is None else fallback
