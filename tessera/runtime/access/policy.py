"""Access decisions the records service asks for on every operation.

Object rights and field-level security come from the Context's Rights (the union of the
user's permission sets, with formula and roll-up fields hidden wherever they read a hidden
field: see ``rights.derived_reads``); record-level access is a SQL condition (``row_filter``) that
the records service and the query builder put inside every SELECT. Administrators
(``ctx.is_admin``) pass every check; a token's scope limits even them.
"""

import weakref

from sqlalchemy import delete, or_, select

from tessera.i18n import Message

from ..schema.system_tables import record_share
from ..errors import FieldAccessDenied, PermissionDenied, RecordNotFound, ScopeExceeded
from ..schema.formulas import filter_condition
from .rights import NO_RIGHTS
from .rule_cache import RuleCache
from .visibility import (EDIT, FULL, READ, DirectConditions, applicable_rules, rule_conditions, rules_by_object,
                      sharing_model, visibility_condition)

ACTIONS = ("create", "read", "edit", "delete")
OWNER_KEYS = frozenset({"owner", "owner_id"})
#: Record-level level needed for each record action beyond reading.
ROW_LEVELS = {"read": READ, "edit": EDIT, "delete": FULL, "transfer": FULL, "share": FULL}


def _rights(ctx):
    return ctx.rights or NO_RIGHTS


class AccessPolicy:
    """Decides object-, field- and row-level access for a Context."""

    def __init__(self):
        self.runtime = None
        self._model_ref = None
        self._rules = RuleCache()
        self._direct = DirectConditions()

    def bind(self, runtime):
        """Attach the runtime whose published sharing rules apply; return self."""
        self.runtime = runtime
        return self

    # -- objects -------------------------------------------------------------------

    def check_object(self, ctx, model, action):
        """Raise PermissionDenied unless ``ctx`` may ``action`` records of ``model``."""
        if ctx.scope is not None and not ctx.scope.allows(model.name, action):
            raise ScopeExceeded("access.token.action_denied", action=action, object=model.name)
        if ctx.is_admin:
            return
        if not _rights(ctx).can(model.name, action):
            raise PermissionDenied("access.object.denied", action=action, object=model.name)
        if action == "create":
            self._check_required_writable(ctx, model)

    def _check_required_writable(self, ctx, model):
        editable = _rights(ctx).on(model.name).editable
        blocked = [n for n, f in model.fields.items()
                   if f.get("required") and "default" not in f and n not in editable]
        if blocked:
            raise PermissionDenied("access.create.required_not_editable", object=model.name)

    # -- fields --------------------------------------------------------------------

    def readable_fields(self, ctx, model):
        """Return the names of the fields ``ctx`` may read, in document order.

        A formula or roll-up field is among them only if everything it reads, through
        other formula fields, lookups and roll-ups, is readable too (the Rights carry
        that closure, computed once per compiled model and set of permission sets).
        """
        if ctx.is_admin:
            return list(model.fields)
        readable = _rights(ctx).on(model.name).readable
        return [n for n in model.fields if n in readable]

    def editable_fields(self, ctx, model):
        """Return the names of the fields ``ctx`` may write, in document order."""
        if ctx.is_admin:
            return list(model.fields)
        editable = _rights(ctx).on(model.name).editable
        return [n for n in model.fields if n in editable]

    def history_fields(self, ctx, model):
        """The history entries ``ctx`` may see: readable fields and ownership changes."""
        return [*self.readable_fields(ctx, model), "owner"]

    def check_editable(self, ctx, model, names):
        """Raise PermissionDenied naming the first field ``ctx`` may not write.

        The owner changes only through a transfer; a field the actor may not even read is
        refused without being named.
        """
        names = list(names)
        if OWNER_KEYS & set(names):
            raise FieldAccessDenied("access.owner.transfer_only", errors={"owner": [Message("access.owner.use_transfer")]})
        if ctx.is_admin:
            return
        rights = _rights(ctx).on(model.name)
        if any(n in model.fields and n not in rights.readable for n in names):
            raise FieldAccessDenied("access.field.write_unreadable")
        locked = [n for n in names if n in model.fields and n not in rights.editable]
        if locked:
            raise FieldAccessDenied("access.field.not_editable", field=locked[0],
                                    errors={n: [Message("access.field.this_not_editable")] for n in locked})

    # -- records -------------------------------------------------------------------

    def row_filter(self, ctx, model, conn=None, *, action="read"):
        """Return a SQL condition limiting rows to those ``ctx`` may ``action``, or None for all.

        ``conn`` is the caller's connection; sharing rules compile against it (without it,
        one is opened for the compilation).
        """
        level = ROW_LEVELS[action]
        if self._sees_all(ctx, model, level):
            return None
        rule_sql = () if level == FULL else self._rule_sql(ctx, model, conn, edit_only=level == EDIT)
        own = visibility_condition(model.table, model.name, ctx, level, rule_sql, dialect=self._dialect(conn),
                                   direct=self._direct)
        inherited = self._through_master(ctx, model, conn, action)
        return own if inherited is None else or_(own, inherited)

    def _through_master(self, ctx, model, conn, action):
        """Detail records are visible (editable, ...) wherever their master record is."""
        masters = [f for f in model.fields.values() if f["type"] == "master_detail"]
        if not masters or self.runtime is None or conn is None:
            return None
        compiled = self.runtime.model(conn)
        conditions = []
        for field_doc in masters:
            master = compiled.objects.get(field_doc["target"])
            if master is None or master.name == model.name:
                continue
            condition = self.row_filter(ctx, master, conn, action="read" if action == "read" else "edit")
            column = model.table.c[field_doc["name"]]
            conditions.append(column.is_not(None) if condition is None
                              else column.in_(select(master.table.c.id).where(condition)))
        return or_(*conditions) if conditions else None

    def _dialect(self, conn):
        if conn is not None:
            return conn.dialect.name
        return self.runtime.engine.dialect.name if self.runtime is not None else "postgresql"

    def _sees_all(self, ctx, model, level):
        if ctx.is_admin:
            return True
        actions, sharing = _rights(ctx).on(model.name).actions, sharing_model(model)
        if level == READ:
            return "view_all" in actions or sharing != "private"
        if level == EDIT:
            return "modify_all" in actions or sharing == "public_read_write"
        return "modify_all" in actions

    def check_row(self, conn, ctx, model, row, action):
        """Raise PermissionDenied unless ``ctx`` may ``action`` (edit, delete, transfer, share) ``row``."""
        if row["owner_id"] == ctx.user_id:
            return
        condition = self.row_filter(ctx, model, conn, action=action)
        if condition is None:
            return
        table = model.table
        if conn.execute(select(table.c.id).where(table.c.id == row["id"], condition)).first() is None:
            raise PermissionDenied("access.record.denied", action=action, object=model.name)

    def visible_row(self, conn, ctx, model, record_id, *, for_update=False):
        """The row ``record_id`` of ``model`` if ``ctx`` may read it, else raise RecordNotFound."""
        query = model.select_by_id
        condition = self.row_filter(ctx, model, conn)
        if condition is not None:
            query = query.where(condition)
        if for_update:
            query = query.with_for_update()
        row = conn.execute(query, {"record_id": record_id}).mappings().first()
        if row is None:
            raise RecordNotFound("record.not_found", object=model.name, id=record_id)
        return row

    def forget_record(self, conn, model, record_id):
        """Drop the manual shares of a record that is being deleted."""
        conn.execute(delete(record_share).where(record_share.c.object == model.name,
                                                record_share.c.record_id == record_id))

    # -- sharing rules -------------------------------------------------------------

    def _rule_sql(self, ctx, model, conn, *, edit_only):
        if self.runtime is None:
            return ()
        if conn is None:
            with self.runtime.read() as own:
                return self._rule_sql(ctx, model, own, edit_only=edit_only)
        compiled, rules_of = self._model_of(model, conn)
        rules = applicable_rules(rules_of.get(model.name, ()), ctx, edit_only=edit_only)
        if not rules:
            return ()

        def compile_rule(source):
            return filter_condition(self.runtime, conn, compiled, model, source, ctx)

        return rule_conditions(lambda doc: self._rules.get(compiled.revision, doc, ctx, compile_rule), rules)

    def _model_of(self, model, conn):
        """The compiled model ``model`` belongs to, and its sharing rules by object."""
        cached = self._model_ref[0]() if self._model_ref else None
        if cached is not None and cached.objects.get(model.name) is model:
            return cached, self._model_ref[1]
        compiled = self.runtime.model(conn)
        self._model_ref = (weakref.ref(compiled), rules_by_object(compiled.documents))
        return compiled, self._model_ref[1]
