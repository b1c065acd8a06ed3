"""Rules that run before commit: a record lifecycle listener, inside the record write's transaction.

After a record is saved (or deleted) the rules of its object whose trigger matches run on
the same connection; what their actions write commits with the record, and an action
that fails (or a chain too deep) rolls the whole write back and reaches the caller.
"""

from sqlalchemy import select

from .rule_index import rules_for
from .runner import depth_of, rule_env, run_rule


def _changed(obj, record, prior):
    return [name for name in obj.stored_fields if record.get(name) != prior.get(name)]


def _current(conn, obj, record_id):
    row = conn.execute(select(obj.table).where(obj.table.c.id == record_id)).mappings().first()
    return dict(row) if row is not None else None


class BeforeCommitRules:
    """The record lifecycle listener that runs the before-commit rules."""

    def after_save(self, runtime, conn, ctx, obj, record, prior):
        """Run the created, updated and field_changed rules the write triggers."""
        model = runtime.model(conn)
        rules = rules_for(model, obj.name, "before_commit")
        if prior is None:
            wanted = [r for r in rules if r.trigger == "created"]
        else:
            changed = _changed(obj, record, prior)
            wanted = [r for r in rules if r.fires_on_update(changed)]
        if wanted:
            self._run(runtime, conn, ctx, model, obj, wanted, record, prior)

    def after_delete(self, runtime, conn, ctx, obj, record):
        """Run the deleted rules."""
        model = runtime.model(conn)
        wanted = [r for r in rules_for(model, obj.name, "before_commit") if r.trigger == "deleted"]
        if wanted:
            self._run(runtime, conn, ctx, model, obj, wanted, record, None, deleted=True)

    @staticmethod
    def _run(runtime, conn, ctx, model, obj, wanted, record, prior, *, deleted=False):
        depth, changed = depth_of(conn) + 1, False
        env = rule_env(runtime, conn, model, obj, prior, ctx=ctx, is_new=prior is None and not deleted)
        for rule in wanted:
            if changed:  # an earlier rule may have changed the record
                record = _current(conn, obj, record["id"]) or record
            changed = run_rule(runtime, conn, obj, rule, record, prior, actor_id=ctx.user_id, depth=depth,
                               is_new=prior is None and not deleted, env=env, model=model) and not deleted
