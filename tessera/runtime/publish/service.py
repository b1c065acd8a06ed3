"""Publishing: check the candidate metadata set, plan storage changes, apply, bump revision.

Everything happens in one transaction: the schema change, the head pointers, the new
revision row, its outbox event and its audit entry commit together or not at all.
"""

from dataclasses import dataclass

from sqlalchemy import func, select

from tessera.metadata import store
from tessera.metadata.crosscheck import cross_check
from tessera.metadata.errors import LossyChangeRefused, PublishRefused
from tessera.metadata.plan import compute_plan

from ..audit import log as audit
from .datachecks import annotate_losses, rewrites_values
from ..identity.users import find_user
from .migrate import apply_plan
from ..schema.model import build_model
from ..events.outbox import append_event


@dataclass(frozen=True)
class Prepared:
    """What a publish would start from and do: the published ``revision``, the pending
    ``changes`` as (kind, name, action), the ``candidate`` document set, the storage
    ``steps``, the compiled ``old_model`` and the ``lossy`` steps among them."""

    revision: int
    changes: list
    candidate: dict
    steps: list
    old_model: object
    lossy: list

    def summary(self):
        """The pending changes as JSON objects {"kind", "name", "action"}."""
        return [{"kind": k, "name": n, "action": a} for k, n, a in self.changes]


def _prepare(conn, current_model):
    revision = store.current_revision(conn)
    changes = store.pending_changes(conn)
    old_set = store.list_documents(conn, published=True)
    candidate = store.list_documents(conn)
    cross_check(candidate)
    steps = compute_plan(old_set, candidate)
    old_model = current_model if current_model.revision == revision else build_model(revision, old_set, current_model.field_types)
    lossy = annotate_losses(conn, old_model, steps)
    return Prepared(revision, changes, candidate, steps, old_model, lossy)


def plan(conn, current_model):
    """Return what a publish would do now: changes, storage steps and losses (a dry run)."""
    prepared = _prepare(conn, current_model)
    return {"revision": prepared.revision, "changes": prepared.summary(), "steps": prepared.steps,
            "lossy": bool(prepared.lossy)}


#: Steps that read or rewrite every row of their table, whatever the values.
SCANNING_OPS = {"alter_column", "create_index", "create_search_index", "recompute_rollup"}


def _rows_of(conn, old_model, step):
    if step.get("affected_records"):
        return step["affected_records"]
    obj = old_model.objects.get(step["object"]) if step["op"] in SCANNING_OPS else None
    return 0 if obj is None else conn.execute(select(func.count()).select_from(obj.table)).scalar_one()


def workload(conn, current_model):
    """``(rows, lossy)`` of the next publish: how many stored rows its steps would change,
    record or scan (a confirmed lossy step counts the records it changes; an index, a type
    change or a roll-up counts its whole table), and whether it would lose data."""
    prepared = _prepare(conn, current_model)
    return sum(_rows_of(conn, prepared.old_model, step) for step in prepared.steps), bool(prepared.lossy)


#: Who a publish by a context without a user row (the CLI) records rewritten values as:
#: the administrator that ``tessera init`` creates.
ADMINISTRATOR = "admin"


def _publishing_user(conn, ctx):
    """The id of the user who publishes: the context's user, else the administrator."""
    if ctx.user_id is not None:
        return ctx.user_id
    user = find_user(conn, ADMINISTRATOR)
    if user is None:
        raise PublishRefused("publish.no_author", author=ADMINISTRATOR)
    return user["id"]


def publish(conn, current_model, ctx, *, confirm_data_loss=False, progress=None):
    """Publish every pending draft on ``conn`` as ``ctx``; return the plan with the new revision.

    Values a confirmed lossy step changes are recorded as changes by the context's user
    (the administrator when the context has none): field history, ``record.updated``
    events, new versions. The ``metadata.published`` audit entry is written on ``conn``.
    Raises PublishRefused (checks fail), LossyChangeRefused (data would be lost and
    ``confirm_data_loss`` is false) or ConcurrentPublish. The caller owns the transaction.
    ``progress(done, total)`` hears of every storage step applied.
    """
    prepared = _prepare(conn, current_model)
    if prepared.lossy and not confirm_data_loss:
        raise LossyChangeRefused(
            "publish.lossy", steps=prepared.lossy
        )
    actor_id = ctx.user_id
    if any(rewrites_values(step) for step in prepared.steps):
        actor_id = _publishing_user(conn, ctx)
    new_model = build_model(prepared.revision + 1, prepared.candidate, current_model.field_types)
    apply_plan(conn, prepared.steps, prepared.old_model, new_model, actor_id, progress)
    new_revision = store.record_publish(conn, prepared.revision, ctx.username, prepared.changes, prepared.steps)
    summary = prepared.summary()
    append_event(conn, "metadata.published", None, None, {"revision": new_revision, "changes": summary}, actor_id)
    audit.record(conn, "metadata.published", ctx, subject=f"revision {new_revision}",
                 details={"revision": new_revision, "changes": summary})
    return {"revision": new_revision, "changes": summary, "steps": prepared.steps, "lossy": bool(prepared.lossy)}
