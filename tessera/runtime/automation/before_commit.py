"""Rules that run before commit: a record lifecycle listener, inside the record write's transaction.

After a record is saved (or deleted) the rules of its object whose trigger matches run on
the same connection; what their actions write commits with the record, and an action
that fails (or a chain too deep) rolls the whole write back and reaches the caller.
"""

from sqlalchemy import select

from .rules import rules_for
from .runner import depth_of, run_rule


def _changed(obj, record, prior):
    return [name for name in obj.stored_fields if record.get(name) != prior.get(name)]


def _current(conn, obj, record_id):
    row = conn.execute(select(obj.table).where(obj.table.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else None


class BeforeCommitRules:
    """The record lifecycle listener that runs the before-commit rules."""

    def after_save(self, runtime, conn, ctx, obj, record, prior):
        """Run the created, updated and field_changed rules the write triggers."""
        rules = rules_for(runtime.model(conn), obj.name, "before_commit")
        if prior is None:
            wanted = [r for r in rules if r.trigger == "created"]
        else:
            changed = _changed(obj, record, prior)
            wanted = [r for r in rules if r.fires_on_update(changed)]
        depth = depth_of(conn) + 1
        for index, rule in enumerate(wanted):
            if index:  # an earlier rule may have changed the record
                record = _current(conn, obj, record["id"]) or record
            run_rule(runtime, conn, obj, rule, record, prior, actor_id=ctx.user_id, depth=depth,
                     is_new=prior is None)

    def after_delete(self, runtime, conn, ctx, obj, record):
        """Run the deleted rules."""
        depth = depth_of(conn) + 1
        for rule in rules_for(runtime.model(conn), obj.name, "before_commit"):
            if rule.trigger == "deleted":
                run_rule(runtime, conn, obj, rule, record, None, actor_id=ctx.user_id, depth=depth)
