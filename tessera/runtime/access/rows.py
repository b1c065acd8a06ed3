"""Record-level access as one SQL condition per (context, object, action).

The condition ORs every way a context reaches a row (``visibility.py``: ownership, the
role hierarchy, manual shares, sharing rules) and, for a detail object, the rows whose
master record the context reaches. It goes inside the caller's SELECT, so the database
decides for every row at once. Administrators, ``view_all`` / ``modify_all`` and
public sharing models need no condition at all (None).
"""

import weakref

from sqlalchemy import or_, select

from ..schema.formulas import filter_condition
from .fields import rights_of
from .rule_cache import RuleCache
from .visibility import (EDIT, FULL, READ, DirectConditions, applicable_rules, rule_conditions, rules_by_object,
                         sharing_model, visibility_condition)

#: Record-level level needed for each record action.
ROW_LEVELS = {"read": READ, "edit": EDIT, "delete": FULL, "transfer": FULL, "share": FULL}


class RowConditions:
    """Builds row conditions against the published model ``model_of(conn)`` returns.

    ``env_for(ctx)`` gives the formula environment (clock, ``$user``) sharing-rule
    criteria compile with.
    """

    def __init__(self, model_of, env_for):
        self._model_of, self._env_for = model_of, env_for
        self._model_ref = None
        self._rules = RuleCache()
        self._direct = DirectConditions()

    def condition(self, ctx, obj, conn, action="read"):
        """A SQL condition limiting ``obj``'s rows to those ``ctx`` may ``action``, or None for all."""
        level = ROW_LEVELS[action]
        if sees_all(ctx, obj, level):
            return None
        rule_sql = () if level == FULL else self._rule_sql(ctx, obj, conn, edit_only=level == EDIT)
        own = visibility_condition(obj.table, obj.name, ctx, level, rule_sql, dialect=conn.dialect.name,
                                   direct=self._direct)
        inherited = self._through_master(ctx, obj, conn, action)
        return own if inherited is None else or_(own, inherited)

    def admits(self, conn, ctx, obj, row, action):
        """True when ``ctx`` may ``action`` the stored ``row`` (its owner always may)."""
        if row["owner_id"] == ctx.user_id:
            return True
        condition = self.condition(ctx, obj, conn, action)
        if condition is None:
            return True
        table = obj.table
        return conn.execute(select(table.c.id).where(table.c.id == row["id"], condition)).first() is not None

    def _through_master(self, ctx, obj, conn, action):
        """Detail records are visible (editable, ...) wherever their master record is."""
        masters = obj.master_fields
        if not masters:
            return None
        compiled = self._model_of(conn)
        conditions = []
        for field_doc in masters:
            master = compiled.objects.get(field_doc["target"])
            if master is None or master.name == obj.name:
                continue
            condition = self.condition(ctx, master, conn, "read" if action == "read" else "edit")
            column = obj.table.c[field_doc["name"]]
            conditions.append(column.is_not(None) if condition is None
                              else column.in_(select(master.table.c.id).where(condition)))
        return or_(*conditions) if conditions else None

    def _rule_sql(self, ctx, obj, conn, *, edit_only):
        compiled, rules_of = self._compiled(obj, conn)
        rules = applicable_rules(rules_of.get(obj.name, ()), ctx, edit_only=edit_only)
        if not rules:
            return ()

        def compile_rule(source):
            return filter_condition(conn, compiled, obj, source, self._env_for(ctx))

        return rule_conditions(lambda doc: self._rules.get(compiled.revision, doc, ctx, compile_rule), rules)

    def _compiled(self, obj, conn):
        """The compiled model ``obj`` belongs to, and its sharing rules by object."""
        cached = self._model_ref[0]() if self._model_ref else None
        if cached is not None and cached.objects.get(obj.name) is obj:
            return cached, self._model_ref[1]
        compiled = self._model_of(conn)
        self._model_ref = (weakref.ref(compiled), rules_by_object(compiled.documents))
        return compiled, self._model_ref[1]


def sees_all(ctx, obj, level):
    """True when ``ctx`` reaches every row of ``obj`` at ``level`` (no condition needed)."""
    if ctx.is_admin:
        return True
    actions, sharing = rights_of(ctx).on(obj.name).actions, sharing_model(obj)
    if level == READ:
        return "view_all" in actions or sharing != "private"
    if level == EDIT:
        return "modify_all" in actions or sharing == "public_read_write"
    return "modify_all" in actions
