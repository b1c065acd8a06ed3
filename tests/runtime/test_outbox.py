"""The events outbox: each record change writes exactly one event, in the same transaction."""

import pytest
import sqlalchemy as sa

from tessera.runtime.records import service as records_module
from tessera.runtime.errors import RuntimeFailure
from tessera.runtime.schema.system_tables import field_history, outbox

ACCOUNT = {"kind": "object", "name": "account", "fields": [
    {"name": "name", "type": "text", "required": True},
    {"name": "code", "type": "text", "unique": True},
]}
NOTE = {"kind": "object", "name": "note", "fields": [
    {"name": "body", "type": "text"},
    {"name": "account", "type": "lookup", "target": "account", "on_delete": "set_null"},
]}
LINE = {"kind": "object", "name": "line", "fields": [
    {"name": "qty", "type": "number"},
    {"name": "account", "type": "master_detail", "target": "account"},
]}
DEAL = {"kind": "object", "name": "deal", "fields": [
    {"name": "title", "type": "text"},
    {"name": "account", "type": "lookup", "target": "account", "on_delete": "restrict"},
]}


@pytest.fixture
def crm(runtime, publish):
    publish(ACCOUNT, NOTE, LINE, DEAL)
    return runtime


def events(runtime):
    """Record events, oldest first, as (type, object, record id)."""
    with runtime.read() as conn:
        rows = conn.execute(sa.select(outbox).where(outbox.c.event_type.like("record.%")).order_by(outbox.c.id))
        return [(r.event_type, r.object, r.record_id) for r in rows]


def event_rows(runtime):
    with runtime.read() as conn:
        rows = conn.execute(sa.select(outbox).where(outbox.c.event_type.like("record.%")).order_by(outbox.c.id))
        return [dict(r._mapping) for r in rows]


def history_count(runtime):
    with runtime.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(field_history)).scalar_one()


def test_create_writes_one_created_event_with_the_values(crm, admin_ctx):
    record = crm.records.create(admin_ctx, "account", {"name": "ACME", "code": "A1"})
    [event] = event_rows(crm)
    assert (event["event_type"], event["object"], event["record_id"]) == ("record.created", "account", record["id"])
    assert event["payload"]["values"]["name"] == "ACME"
    assert event["actor_id"] == admin_ctx.user_id
    assert event["idempotency_key"] and event["delivered_at"] is None


def test_a_batch_writes_one_event_per_record(crm, admin_ctx):
    ids = crm.records.create_many(admin_ctx, "account", [{"name": n} for n in ("a", "b", "c")])
    assert events(crm) == [("record.created", "account", i) for i in ids]
    keys = [e["idempotency_key"] for e in event_rows(crm)]
    assert len(set(keys)) == 3


def test_update_writes_one_updated_event_with_old_and_new_values(crm, admin_ctx):
    record = crm.records.create(admin_ctx, "account", {"name": "ACME", "code": "A1"})
    crm.records.update(admin_ctx, "account", record["id"], {"name": "ACME Corp", "code": "A2"})
    assert events(crm) == [("record.created", "account", record["id"]), ("record.updated", "account", record["id"])]
    changes = event_rows(crm)[-1]["payload"]["changes"]
    assert changes == {"name": {"old": "ACME", "new": "ACME Corp"}, "code": {"old": "A1", "new": "A2"}}


def test_an_update_that_changes_nothing_writes_no_event(crm, admin_ctx):
    record = crm.records.create(admin_ctx, "account", {"name": "ACME"})
    crm.records.update(admin_ctx, "account", record["id"], {"name": "ACME"})
    assert len(events(crm)) == 1


def test_delete_writes_one_deleted_event_with_the_last_values(crm, admin_ctx):
    record = crm.records.create(admin_ctx, "account", {"name": "ACME"})
    crm.records.delete(admin_ctx, "account", record["id"])
    assert events(crm)[-1] == ("record.deleted", "account", record["id"])
    assert event_rows(crm)[-1]["payload"]["values"]["name"] == "ACME"


def test_cascades_and_set_null_write_one_event_per_affected_record(crm, admin_ctx):
    account = crm.records.create(admin_ctx, "account", {"name": "ACME"})
    lines = [crm.records.create(admin_ctx, "line", {"qty": i, "account": account["id"]})["id"] for i in range(2)]
    notes = [crm.records.create(admin_ctx, "note", {"body": "n", "account": account["id"]})["id"] for _ in range(2)]
    before = len(events(crm))

    crm.records.delete(admin_ctx, "account", account["id"])
    written = events(crm)[before:]
    assert sorted(written) == sorted(
        [("record.deleted", "account", account["id"])]
        + [("record.deleted", "line", i) for i in lines]
        + [("record.updated", "note", i) for i in notes]
    )


@pytest.mark.parametrize("failure", ["invalid", "missing lookup", "stale", "in use", "unique"])
def test_a_refused_write_leaves_no_event(crm, admin_ctx, failure):
    account = crm.records.create(admin_ctx, "account", {"name": "ACME", "code": "A1"})
    crm.records.create(admin_ctx, "deal", {"title": "d", "account": account["id"]})
    crm.records.update(admin_ctx, "account", account["id"], {"name": "ACME 2"})
    before, history = events(crm), history_count(crm)
    with pytest.raises(RuntimeFailure) as caught:
        if failure == "invalid":
            crm.records.create(admin_ctx, "account", {"code": "no name"})
        elif failure == "missing lookup":
            crm.records.create_many(admin_ctx, "note", [{"body": "a"}, {"body": "b", "account": 999}])
        elif failure == "stale":
            crm.records.update(admin_ctx, "account", account["id"], {"name": "x", "version": 1})
        elif failure == "in use":
            crm.records.delete(admin_ctx, "account", account["id"])
        else:
            crm.records.create_many(admin_ctx, "account", [{"name": "b", "code": "B"}, {"name": "c", "code": "A1"}])
    assert caught.value.code in {"validation_failed", "stale_version", "record_in_use",
                                                   "unique_violation"}
    assert events(crm) == before
    assert history_count(crm) == history


def test_when_the_event_cannot_be_written_the_record_is_not_written_either(crm, admin_ctx, monkeypatch):
    def broken(conn, rows):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(records_module, "append_events", broken)
    with pytest.raises(RuntimeError):
        crm.records.create(admin_ctx, "account", {"name": "ACME"})
    with pytest.raises(RuntimeError):
        crm.records.create_many(admin_ctx, "account", [{"name": "a"}, {"name": "b"}])
    monkeypatch.undo()
    assert crm.records.list(admin_ctx, "account")["items"] == []
    assert events(crm) == []


def test_when_a_cascade_fails_half_way_nothing_is_deleted_and_no_event_is_written(crm, admin_ctx, monkeypatch):
    account = crm.records.create(admin_ctx, "account", {"name": "ACME"})
    line = crm.records.create(admin_ctx, "line", {"qty": 1, "account": account["id"]})
    note = crm.records.create(admin_ctx, "note", {"body": "n", "account": account["id"]})
    before = events(crm)
    calls = []
    original = records_module.append_events

    def fail_on_parent(conn, rows):
        if any(r["object"] == "account" for r in rows):
            raise RuntimeError("outbox unavailable")
        calls.append(rows)
        return original(conn, rows)

    monkeypatch.setattr(records_module, "append_events", fail_on_parent)
    with pytest.raises(RuntimeError):
        crm.records.delete(admin_ctx, "account", account["id"])
    monkeypatch.undo()
    assert calls, "the cascade should have reached the detail before failing"
    assert events(crm) == before
    assert crm.records.get(admin_ctx, "line", line["id"]) == line
    assert crm.records.get(admin_ctx, "note", note["id"]) == note
