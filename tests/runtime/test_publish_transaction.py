"""A publish is one transaction: a step that fails half-way leaves everything as it was.

The failure is injected by replacing one applier in ``tessera.runtime.publish.migrate.APPLIERS``
so that it raises after the earlier steps of the same plan have run.
"""

import pytest
import sqlalchemy as sa

from tessera.metadata import store
from tessera.runtime.publish import migrate
from tessera.runtime.schema.system_tables import outbox
from tests.runtime.conftest import publish_documents, publish_drafts

ACCOUNT = {"kind": "object", "name": "account", "fields": [
    {"name": "name", "type": "text", "max_length": 40},
    {"name": "code", "type": "text", "max_length": 20},
    {"name": "notes", "type": "long_text"},
]}


class InjectedFailure(Exception):
    pass


def physical_schema(runtime):
    """Every table with its columns and indexes, as the database reports them."""
    with runtime.engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {
            table: (
                sorted((c["name"], str(c["type"])) for c in inspector.get_columns(table)),
                sorted(i["name"] for i in inspector.get_indexes(table)),
            )
            for table in inspector.get_table_names()
        }


def metadata_state(runtime):
    with runtime.read() as conn:
        return {
            "revision": store.current_revision(conn),
            "published": store.list_documents(conn, published=True),
            "revisions": len(store.revisions(conn)),
            "events": conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one(),
        }


def account_rows(runtime):
    with runtime.read() as conn:
        return conn.execute(sa.text("SELECT id, name, code, notes FROM obj_account ORDER BY id")).all()


@pytest.fixture
def populated(runtime, admin_ctx):
    publish_documents(runtime, ACCOUNT)
    runtime.records.create_many(admin_ctx, "account", [
        {"name": "ACME", "code": "ACME-EAST-001", "notes": "first"},
        {"name": "Globex", "code": "GLX", "notes": None},
    ])
    return runtime


def fail_at(monkeypatch, op, calls):
    """Make applier ``op`` raise; record every applier that ran before it in ``calls``."""
    for name, applier in list(migrate.APPLIERS.items()):
        def spy(ops, step, ctx, _applier=applier, _name=name):
            if _name == op:
                raise InjectedFailure(f"{op} failed on purpose")
            calls.append(_name)
            return _applier(ops, step, ctx)
        monkeypatch.setitem(migrate.APPLIERS, name, spy)


CHANGED_ACCOUNT = {"kind": "object", "name": "account", "fields": [
    {"name": "name", "type": "text", "max_length": 80},
    {"name": "code", "type": "text", "max_length": 5},
    {"name": "region", "type": "text", "indexed": True},
]}
PROJECT = {"kind": "object", "name": "project", "fields": [
    {"name": "title", "type": "text"},
    {"name": "account", "type": "lookup", "target": "account"},
]}


@pytest.mark.parametrize("failing_op, earlier", [
    ("drop_column", {"create_table"}),
    ("add_column", {"create_table", "drop_column"}),
    ("alter_column", {"create_table", "drop_column", "add_column"}),
    ("create_index", {"create_table", "drop_column", "add_column", "alter_column"}),
])
def test_a_step_failing_after_earlier_steps_ran_leaves_schema_metadata_and_data_unchanged(
        populated, monkeypatch, failing_op, earlier):
    runtime = populated
    schema, state, rows = physical_schema(runtime), metadata_state(runtime), account_rows(runtime)
    calls = []
    fail_at(monkeypatch, failing_op, calls)

    with pytest.raises(InjectedFailure):
        publish_documents(runtime, CHANGED_ACCOUNT, PROJECT, confirm=True)

    assert earlier <= set(calls), calls
    assert physical_schema(runtime) == schema
    assert metadata_state(runtime) == state
    assert account_rows(runtime) == rows


def test_a_failed_publish_leaves_the_drafts_pending_and_a_retry_succeeds(populated, monkeypatch, admin_ctx):
    runtime = populated
    calls = []
    fail_at(monkeypatch, "add_column", calls)
    with pytest.raises(InjectedFailure):
        publish_documents(runtime, CHANGED_ACCOUNT, PROJECT, confirm=True)
    monkeypatch.undo()

    with runtime.read() as conn:
        assert store.pending_changes(conn) == [("object", "account", "update"), ("object", "project", "create")]
    result = publish_drafts(runtime, confirm=True)
    assert result["revision"] == 2
    assert [r[2] for r in account_rows_after(runtime)] == ["ACME-", "GLX"]
    created = runtime.records.create(admin_ctx, "project", {"title": "Rollout", "account": 1})
    assert created["account"] == 1


def account_rows_after(runtime):
    with runtime.read() as conn:
        return conn.execute(sa.text("SELECT id, name, code FROM obj_account ORDER BY id")).all()


def test_a_failure_after_a_confirmed_repair_restores_the_repaired_values(populated, monkeypatch):
    """Cutting values to a new length is data work inside the same transaction; it rolls back too."""
    runtime = populated
    rows = account_rows(runtime)
    calls = []
    fail_at(monkeypatch, "create_index", calls)
    with pytest.raises(InjectedFailure):
        publish_documents(runtime, CHANGED_ACCOUNT, confirm=True)
    assert "alter_column" in calls
    assert account_rows(runtime) == rows
    assert rows[0][2] == "ACME-EAST-001"


def test_a_failure_while_dropping_an_object_keeps_its_table_and_records(populated, monkeypatch):
    runtime = populated
    publish_documents(runtime, PROJECT)
    schema, state, rows = physical_schema(runtime), metadata_state(runtime), account_rows(runtime)
    calls = []
    fail_at(monkeypatch, "drop_table", calls)
    with pytest.raises(InjectedFailure):
        publish_documents(runtime, {**ACCOUNT, "fields": ACCOUNT["fields"] + [{"name": "tier", "type": "text"}]},
                          deleted=["project"], confirm=True)
    assert "add_column" in calls
    assert physical_schema(runtime) == schema
    assert metadata_state(runtime) == state
    assert account_rows(runtime) == rows


def test_the_compiled_model_still_serves_the_old_revision_after_a_failed_publish(populated, monkeypatch, admin_ctx):
    runtime = populated
    calls = []
    fail_at(monkeypatch, "add_column", calls)
    with pytest.raises(InjectedFailure):
        publish_documents(runtime, CHANGED_ACCOUNT, PROJECT, confirm=True)
    created = runtime.records.create(admin_ctx, "account", {"name": "Initech", "code": "INI", "notes": "n"})
    assert created["notes"] == "n"
    from tessera.runtime.errors import ObjectNotFound
    with pytest.raises(ObjectNotFound):
        runtime.records.list(admin_ctx, "project")
