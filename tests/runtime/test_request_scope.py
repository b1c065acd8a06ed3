"""One request scope: its reads share one transaction, and a write in between is seen."""

import pytest
import sqlalchemy as sa

from tessera.runtime import Context
from tessera.runtime.audit import log as audit
from tessera.runtime.errors import RecordNotFound

DEAL = {"kind": "object", "name": "deal", "fields": [{"name": "title", "type": "text"}]}
PUBLIC_DEAL = {**DEAL, "sharing": "public_read"}


def count_begins(runtime):
    begins = []
    sa.event.listen(runtime.engine, "begin", begins.append)
    return begins


def test_reads_of_one_request_share_one_transaction(runtime, publish, admin_ctx):
    publish(PUBLIC_DEAL)
    record = runtime.records.create(admin_ctx, "deal", {"title": "Pumps"})
    begins = count_begins(runtime)
    with runtime.request_scope():
        runtime.records.get(admin_ctx, "deal", record["id"])
        runtime.records.list(admin_ctx, "deal")
        runtime.records.history(admin_ctx, "deal", record["id"])
    assert len(begins) == 1


def test_admin_override_reads_of_a_request_are_audited_in_one_write_when_the_scope_ends(runtime, publish, admin_ctx):
    publish(DEAL)
    record = runtime.records.create(admin_ctx, "deal", {"title": "Pumps"})
    other_admin = Context(user_id=admin_ctx.user_id + 1000, username="root", is_admin=True)
    begins = count_begins(runtime)
    with runtime.request_scope():
        runtime.records.get(other_admin, "deal", record["id"])
        runtime.records.list(other_admin, "deal")
        with runtime.read() as conn:
            assert audit.search(conn, {"event": "admin.override"})["items"] == []
    assert len(begins) == 2  # the reads' transaction, then the audit write
    with runtime.read() as conn:
        written = audit.search(conn, {"event": "admin.override"})["items"]
    assert sorted(e["details"]["action"] for e in written) == ["list", "read"]
    assert {e["actor"] for e in written} == {"root"}


def test_a_read_after_a_write_in_the_same_request_sees_the_write(runtime, publish, admin_ctx):
    publish(DEAL)
    with runtime.request_scope():
        assert runtime.records.list(admin_ctx, "deal")["items"] == []
        created = runtime.records.create(admin_ctx, "deal", {"title": "Pumps"})
        assert [r["id"] for r in runtime.records.list(admin_ctx, "deal")["items"]] == [created["id"]]
        runtime.records.update(admin_ctx, "deal", created["id"], {"title": "Valves"})
        assert runtime.records.get(admin_ctx, "deal", created["id"])["title"] == "Valves"


def test_a_failed_read_leaves_the_scope_usable(runtime, publish, admin_ctx):
    publish(DEAL)
    created = runtime.records.create(admin_ctx, "deal", {"title": "Pumps"})
    with runtime.request_scope():
        with pytest.raises(RecordNotFound):
            runtime.records.get(admin_ctx, "deal", created["id"] + 1000)
        assert runtime.records.get(admin_ctx, "deal", created["id"])["title"] == "Pumps"


def test_the_scope_ends_its_transaction_when_it_closes(runtime, publish, admin_ctx):
    publish(DEAL)
    with runtime.request_scope():
        runtime.records.list(admin_ctx, "deal")
    with runtime.write() as conn:  # a writer is not held up by a transaction left open
        conn.execute(sa.text("DELETE FROM obj_deal"))
    assert runtime.engine.pool.checkedout() == 0
