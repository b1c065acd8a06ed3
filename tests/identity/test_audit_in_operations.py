"""Audit entries are written by the runtime operation itself, in the transaction of its change,
whoever calls it: the API, the CLI, a job or a plugin."""

import pytest

from tessera.metadata import store
from tessera.runtime import Context
from tessera.runtime.audit import log as audit
from tessera.runtime.events.jobs import JobQueue
from tessera.runtime.publish import service as publishing
from tests.helpers import object_doc
from tests.identity.conftest import url
from tests.platform.support import assert_problem


def entries(org, **params):
    """The audit entries matching ``params``, newest first, read straight from the runtime."""
    with org.runtime.read() as conn:
        return audit.search(conn, {"limit": "500", **params})["items"]


def overrides(org, record, action):
    found = entries(org, event="admin.override", record_id=str(record))
    return [e for e in found if e["details"]["action"] == action]


class Boom(Exception):
    """Raised inside a transaction to roll it back."""


def test_a_user_whose_assignments_are_refused_is_not_created_and_leaves_no_audit_entry(org):
    response = org.admin.post("/api/v1/users", json={"username": "zoe", "roles": ["no_such_role"]})
    assert response.status_code >= 400
    assert entries(org, subject="zoe") == []
    assert all(u["username"] != "zoe" for u in org.admin.get("/api/v1/users").get_json()["items"])


def test_a_refused_draft_leaves_no_audit_entry(org):
    broken = object_doc("broken", {"name": "title", "type": "no_such_type"})
    assert_problem(org.admin.put("/api/v1/metadata/object/broken", json=broken), 422)
    assert entries(org, event="metadata.draft_saved", subject="object/broken") == []


def test_a_publish_that_fails_its_checks_leaves_no_audit_entry(org):
    before = entries(org, event="metadata.published")
    bad = object_doc("broken", {"name": "account", "type": "lookup", "target": "no_such_object"})
    assert org.admin.put("/api/v1/metadata/object/broken", json=bad).status_code == 200
    assert_problem(org.admin.post("/api/v1/metadata/publish"), 422, "publish_refused")
    assert entries(org, event="metadata.published") == before


def test_a_publish_rolled_back_after_it_ran_takes_its_audit_entry_with_it(org):
    runtime, before = org.runtime, entries(org, event="metadata.published")
    doc = object_doc("memo", {"name": "title", "type": "text"})
    assert org.admin.put("/api/v1/metadata/object/memo", json=doc).status_code == 200
    with runtime.read() as conn:
        revision = store.current_revision(conn)
    with pytest.raises(Boom):
        with runtime.write() as conn:
            result = publishing.publish(conn, runtime.model(conn), Context.cli())
            assert entries_on(conn, "metadata.published")[0]["subject"] == f"revision {result['revision']}"
            raise Boom
    assert entries(org, event="metadata.published") == before
    with runtime.read() as conn:
        assert store.current_revision(conn) == revision


def entries_on(conn, event):
    return audit.search(conn, {"event": event})["items"]


def test_an_administrators_refused_edit_of_a_private_record_leaves_no_override_entry(org):
    record = org.create("alice", title="alice's")
    assert_problem(org.admin.patch(url(record), json={"amount": "lots"}), 422)
    assert overrides(org, record, "edit") == []
    assert org.admin.patch(url(record), json={"amount": "12.50"}).status_code == 200
    assert len(overrides(org, record, "edit")) == 1


def test_an_administrator_reaching_their_own_private_record_is_no_override(org):
    record = org.create("alice", title="alice's")
    mine = org.admin.post("/api/v1/objects/opportunity/records", json={"title": "admin's"}).get_json()["id"]
    assert org.admin.delete(url(mine)).status_code == 204
    assert org.admin.delete(url(record)).status_code == 204
    assert org.admin.get(url()).get_json()["items"] == []
    assert overrides(org, mine, "delete") == [] and len(overrides(org, record, "delete")) == 1


def test_an_override_read_by_a_job_is_audited_as_through_the_api(org):
    record, runtime = org.create("alice", title="alice's"), org.runtime
    job_ctx = Context.system(org.ids["admin"])
    found = JobQueue().enqueue(runtime.records.get, job_ctx, "opportunity", record)
    assert found["id"] == record
    [entry] = overrides(org, record, "read")
    assert (entry["actor"], entry["actor_id"], entry["object"]) == ("system", org.ids["admin"], "opportunity")


def test_a_plugin_creating_a_user_through_the_runtime_service_is_audited(org):
    plugin_ctx = Context.system(org.ids["admin"])
    profile = org.runtime.accounts.create(plugin_ctx, {"username": "pia", "roles": ["east_rep"]})
    [created] = entries(org, event="user.created", subject="pia")
    assert (created["actor"], created["details"]) == ("system", {"is_admin": False})
    [updated] = entries(org, event="user.updated", subject="pia")
    assert updated["details"] == {"roles": ["east_rep"]} and profile["roles"] == ["east_rep"]


def test_only_administrators_may_call_the_account_and_metadata_services(org):
    rep = Context(user_id=org.ids["alice"], username="alice")
    for call in (lambda: org.runtime.accounts.create(rep, {"username": "eve"}),
                 lambda: org.runtime.metadata.publish(rep),
                 lambda: org.runtime.directory.delete(rep, "team", "east")):
        with pytest.raises(Exception) as refused:
            call()
        assert getattr(refused.value, "code", None) == "permission_denied"
    assert entries(org, subject="eve") == [] and entries(org, event="team.deleted") == []


def test_disposing_a_runtime_writes_the_override_reads_it_was_still_counting(org):
    record, runtime = org.create("alice", title="alice's"), org.runtime
    admin = Context.system(org.ids["admin"])
    for _ in range(3):
        runtime.records.get(admin, "opportunity", record)
    assert [e["details"].get("count") for e in overrides(org, record, "read")] == [None]
    runtime.dispose()
    counted = [e["details"].get("count") for e in overrides(org, record, "read")]
    assert sorted(counted, key=str) == [2, None]
