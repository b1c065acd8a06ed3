"""AssignmentService: assignment rules choosing the owner of new records, re-running them on
request, and ``assign``, the one entry point automations call to assign a record.

The records service asks ``owner_rules`` (set here, since the records room comes before this
one) for the owners of records whose creator named none; the chosen owner is written with the
insert, so the ``record.created`` event already carries it. A later change of owner is a
``record.updated`` event with an ``owner`` change, written by the records room's
``ownership.write_owner``; every assignment leaves an audit entry ``record.assigned``.
"""

from sqlalchemy import select

from tessera.metadata.kinds import kind_spec

from ..audit import log as audit
from ..clock import naive_utc
from ..errors import RecordNotFound
from ..records.ownership import write_owner
from ..records.service import Placement
from . import pools
from .errors import AssignmentFailed
from .rules import RULE_KIND, matching_rules, pool_of, rules_of
from .strategies import BUILTIN_STRATEGIES, Assignee, AssignmentCall, save_turns


def _check_shape(assign_doc):
    """Raise AssignmentFailed unless ``assign_doc`` is shaped as a published rule's ``assign`` is."""
    probe = {"kind": RULE_KIND, "name": "assign", "object": "object", "assign": assign_doc}
    if next(kind_spec(RULE_KIND).validator.iter_errors(probe), None) is not None:
        raise AssignmentFailed("assignment.doc.shape", errors={"assign": ["assignment.doc.shape"]})


def _entry(ctx, obj, record_id, previous, rule, found):
    return audit.entry("record.assigned", ctx, object_name=obj.name, record_id=record_id,
                       subject=f"user {found.user_id}",
                       details={"rule": rule["name"] if rule else None, "pool": found.pool, "from": previous,
                                "to": found.user_id, "by_admin": bool(ctx.is_admin)})


class AssignmentService:
    """The assignment rules of one Runtime, with the strategies it knows."""

    def __init__(self, runtime, strategies=None):
        self.runtime = runtime
        self.strategies = dict(BUILTIN_STRATEGIES)
        for name, strategy in (strategies or {}).items():
            if name in self.strategies:
                raise ValueError(f"assignment strategy {name!r} is built in")
            self.strategies[name] = strategy
        runtime.records.owner_rules = self.place_new

    def _now(self):
        return naive_utc(self.runtime.clock())

    def choose(self, conn, ctx, model, obj, rule, assign_doc, values, *, now, memo):
        """The Assignee ``assign_doc`` gives the record ``values``, or None when it finds nobody;
        ``memo`` is shared by the choices of one operation (see ``strategies``)."""
        name, params = next(iter(assign_doc.items()))
        strategy = self.strategies.get(name)
        if strategy is None:
            raise AssignmentFailed("assignment.strategy.unknown", strategy=name)
        found = strategy(AssignmentCall(self.runtime, conn, ctx, model, obj, rule, params, values, now, memo))
        if found is None:
            return None
        found = found if isinstance(found, Assignee) else Assignee(found)
        given = memo.setdefault("given", {})
        given[found.user_id] = given.get(found.user_id, 0) + 1
        return found

    def _by_rules(self, conn, ctx, model, obj, values, env, now, memo):
        for rule in matching_rules(model, obj, values, env):
            found = self.choose(conn, ctx, model, obj, rule, rule["assign"], values, now=now, memo=memo)
            if found is not None:
                return rule, found
        return None, None

    def place_new(self, conn, ctx, model, obj, rows):
        """The Placement of new records of ``obj`` by its rules (None when it has none): the
        creator keeps a record no rule assigns."""
        if not rules_of(model, obj.name):
            return None
        env, now, memo = self.runtime.eval_env(ctx, conn, model, is_new=True), self._now(), {}
        chosen = [self._by_rules(conn, ctx, model, obj, {"owner_id": ctx.user_id, "created_by": ctx.user_id,
                                                          "id": None, **row}, env, now, memo) for row in rows]
        save_turns(conn, memo, now)

        def after(conn, ids):
            placed = [(record_id, rule, found) for record_id, (rule, found) in zip(ids, chosen) if found is not None]
            by_pool = {}
            for record_id, _, found in placed:
                if found.pool is not None:
                    by_pool.setdefault((found.pool, found.user_id), []).append(record_id)
            for (name, pool_uid), record_ids in by_pool.items():
                pools.enter(conn, obj, record_ids, pool_of(model, name), pool_uid, now, new=True)
            audit.record_many(conn, [_entry(ctx, obj, record_id, None, rule, found) for record_id, rule, found in placed])

        return Placement([ctx.user_id if found is None else found.user_id for _, found in chosen], after)

    def _give(self, conn, ctx, model, obj, row, rule, found, now):
        if row["owner_id"] != found.user_id:
            write_owner(conn, ctx, obj, row, found.user_id)
        if found.pool is not None:
            pools.enter(conn, obj, [row["id"]], pool_of(model, found.pool), found.user_id, now)
        else:
            pools.leave(conn, obj, row["id"])
        audit.record_many(conn, [_entry(ctx, obj, row["id"], row["owner_id"], rule, found)])

    def assign(self, conn, ctx, object_name, record_id, assign_doc):
        """Assign record ``record_id`` as ``assign_doc`` says (``{"user": 7}``, ``{"round_robin":
        {"team": "inside"}}``, ``{"pool": "east_pool"}``, ...) in the caller's write transaction,
        whatever ``ctx`` may see (an automation acts for the system); return the new owner's id, or
        None when the strategy finds nobody (the owner stays). Raises RecordNotFound, AssignmentFailed."""
        _check_shape(assign_doc)
        model, obj = self.runtime.object_for(conn, object_name)
        row = conn.execute(select(obj.table).where(obj.table.c.id == record_id).with_for_update()).mappings().first()
        if row is None:
            raise RecordNotFound("record.not_found", object=object_name, id=record_id)
        now, memo = self._now(), {}
        found = self.choose(conn, ctx, model, obj, None, assign_doc, dict(row), now=now, memo=memo)
        save_turns(conn, memo, now)
        if found is not None:
            self._give(conn, ctx, model, obj, row, None, found, now)
        return None if found is None else found.user_id

    def reassign(self, ctx, object_name, record_id):
        """Run the object's rules again for the record (``ctx`` needs edit access to it): the first
        matching rule that finds someone gives it its owner; none leaves it as it is. Return the
        record as ``ctx`` then sees it (only ``id``, ``owner``, ``version`` when it no longer may)."""
        with self.runtime.write() as conn:
            model, obj = self.runtime.object_for(conn, object_name)
            row = self.runtime.access.record(conn, ctx, obj, record_id, "edit", for_update=True)
            self.runtime.records.check_write_guards(conn, ctx, obj, row)
            now, memo = self._now(), {}
            rule, found = self._by_rules(conn, ctx, model, obj, dict(row), self.runtime.eval_env(ctx, conn, model),
                                         now, memo)
            save_turns(conn, memo, now)
            if found is not None:
                self._give(conn, ctx, model, obj, row, rule, found, now)
        try:
            return self.runtime.records.get(ctx, object_name, record_id)
        except RecordNotFound:
            changed = found is not None and found.user_id != row["owner_id"]
            return {"id": record_id, "owner": found.user_id if changed else row["owner_id"],
                    "version": row["version"] + changed}
