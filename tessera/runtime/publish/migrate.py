"""Applying a migration plan to the database with Alembic's operations.

Each step kind has one applier; all run on the caller's connection, inside the publish
transaction, so a failure anywhere leaves schema and metadata as they were.
"""

import warnings

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import column, text, update
from sqlalchemy.exc import IntegrityError

from tessera.i18n import Message
from tessera.metadata.errors import PublishRefused

from ..schema.columns import field_column, index_name, search_index_name, system_columns, table_name
from tessera.metadata.formulas import storage_doc

from .datachecks import ValueChanges, condition_for, repaired_value, rewrites_values
from ..records.rollups import recompute_all
from ..records.search import searched_expression


def _create_table(ops, step, ctx):
    new = ctx["new"]
    stored = [storage_doc(f, new.documents) for f in step["definition"]["fields"]
              if f["name"] in new.objects[step["object"]].stored_fields]
    columns = [field_column(f, new.field_types[f["type"]]) for f in stored]
    ops.create_table(table_name(step["object"]), *system_columns(), *columns,
                     sqlite_autoincrement=True)  # ids of deleted records are never reused


def _add_column(ops, step, ctx):
    definition = step["definition"]
    ops.add_column(table_name(step["object"]), field_column(definition, ctx["new"].field_types[definition["type"]]))


def _drop_column(ops, step, ctx):
    ops.drop_column(table_name(step["object"]), step["field"])


def _drop_table(ops, step, ctx):
    ops.drop_table(table_name(step["object"]))


def _repair_rows(ops, step, ctx):
    """Before a confirmed lossy change, make the stored values fit the new definition."""
    if not step.get("lossy"):
        return
    old_table = ctx["old"].objects[step["object"]].table
    column, where = condition_for(old_table, step)
    value = repaired_value(column, step["data_check"])
    try:
        with ops.get_bind().begin_nested():
            ops.get_bind().execute(update(old_table).where(where).values({column.name: value}))
    except IntegrityError:
        raise PublishRefused(
            "publish.repair_collides", target=step["target"],
            errors={f"object/{step['object']}:{step['field']}": [Message("publish.repaired_values_collide")]},
        ) from None


def _alter_column(ops, step, ctx):
    _repair_rows(ops, step, ctx)
    field_doc = storage_doc(ctx["new"].objects[step["object"]].fields[step["field"]], ctx["new"].documents)
    new_type = ctx["new"].field_types[field_doc["type"]].column_type(field_doc)
    if ops.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite_table(ops, table_name(step["object"]), step["field"], new_type)
    else:
        ops.alter_column(table_name(step["object"]), step["field"], type_=new_type)


def _rebuild_sqlite_table(ops, table, column, new_type):
    """Give ``column`` the declared type ``new_type`` on SQLite, which cannot alter a column:
    copy the table into a new one (Alembic's batch mode), keeping its indexes, AUTOINCREMENT
    and the highest id ever given, so the ids of deleted records are still never reused."""
    conn = ops.get_bind()
    sequence = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}).scalar()
    # Reflection, which the copy relies on, skips indexes over expressions (the search
    # indexes): their statements are kept and run again on the new table.
    expression_indexes = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
                                           "AND name LIKE 'sx\\_%' ESCAPE '\\'"), {"t": table}).scalars().all()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with ops.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.alter_column(column, type_=new_type)
    for statement in expression_indexes:
        conn.exec_driver_sql(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    if sequence is not None:
        conn.execute(text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        conn.execute(text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"), {"t": table, "s": sequence})


def _create_index(ops, step, ctx):
    name = index_name(step["object"], step["columns"], step["unique"])
    try:
        with ops.get_bind().begin_nested():
            ops.create_index(name, table_name(step["object"]), step["columns"], unique=step["unique"])
    except IntegrityError:
        fields = ", ".join(step["columns"])
        raise PublishRefused(
            "publish.not_unique", object=step["object"], fields=fields,
            errors={f"object/{step['object']}:{fields}": [Message("publish.records_share_value")]},
        ) from None


def _drop_index(ops, step, ctx):
    name = index_name(step["object"], step["columns"], step["unique"])
    # Earlier releases let PostgreSQL drop an index silently with its column; the goal
    # here is only that the index is gone.
    ops.drop_index(name, table_name=table_name(step["object"]), if_exists=True)


def _create_search_index(ops, step, ctx):
    """The index a search's range over ``lower(field)`` reads (see records/search.py)."""
    expression = searched_expression(column(step["field"]), ops.get_bind().dialect.name)
    ops.create_index(search_index_name(step["object"], step["field"]), table_name(step["object"]), [expression])


def _drop_search_index(ops, step, ctx):
    ops.drop_index(search_index_name(step["object"], step["field"]), table_name=table_name(step["object"]),
                   if_exists=True)


def _recompute_rollup(ops, step, ctx):
    parent = ctx["new"].objects[step["object"]]
    recompute_all(ops.get_bind(), ctx["new"], parent, parent.fields[step["field"]])


def _record_value_changes(ops, step, ctx):
    ctx["changes"].record()


APPLIERS = {
    "create_table": _create_table,
    "add_column": _add_column,
    "drop_column": _drop_column,
    "drop_table": _drop_table,
    "alter_column": _alter_column,
    "restrict_values": _repair_rows,
    "create_index": _create_index,
    "drop_index": _drop_index,
    "create_search_index": _create_search_index,
    "drop_search_index": _drop_search_index,
    "recompute_rollup": _recompute_rollup,
    "record_value_changes": _record_value_changes,
}


def _with_recording(steps):
    """``steps`` with the recording of changed values right after the last step that changes them."""
    rewriting = [i for i, step in enumerate(steps) if rewrites_values(step)]
    if not rewriting:
        return steps
    at = rewriting[-1] + 1
    return [*steps[:at], {"op": "record_value_changes"}, *steps[at:]]


def apply_plan(conn, steps, old_model, new_model, actor_id=None, progress=None):
    """Apply ``steps`` on ``conn`` (inside the caller's transaction).

    Stored values that confirmed lossy steps change are recorded as updates by
    ``actor_id``: field history, one ``record.updated`` event per record, a new version.
    ``progress(done, total)``, when given, is called before the first step and after each.
    """
    ops = Operations(MigrationContext.configure(conn))
    ctx = {"old": old_model, "new": new_model,
           "changes": ValueChanges.capture(conn, old_model, new_model, steps, actor_id)}
    applied = _with_recording(steps)
    report = progress or (lambda done, total: None)
    report(0, len(applied))
    for done, step in enumerate(applied, 1):
        APPLIERS[step["op"]](ops, step, ctx)
        report(done, len(applied))
