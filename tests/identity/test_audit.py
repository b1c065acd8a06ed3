"""The audit log: what is recorded, who may read it, how it is searched and paged."""

import pytest
import sqlalchemy as sa

from tessera.runtime.schema.system_tables import APPEND_ONLY_MESSAGE, audit_log
from tests.helpers import define
from tests.identity.conftest import SALES_REP, url
from tests.platform.support import assert_problem


def search(org, **params):
    response = org.admin.get("/api/v1/audit", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_only_administrators_read_the_audit_log(org):
    assert_problem(org["alice"].get("/api/v1/audit"), 403, "permission_denied")


def test_directory_and_user_changes_are_audited(org):
    created = [e["subject"] for e in search(org, event="user.created", limit=50)["items"]]
    assert {"alice", "bob", "carol"} <= set(created)
    assert {e["subject"] for e in search(org, event="role.created")["items"]} >= {"vp", "east_rep"}
    org.admin.patch(f"/api/v1/users/{org.ids['bob']}", json={"roles": ["vp"]})
    change = search(org, event="user.updated")["items"][0]
    assert (change["subject"], change["details"], change["actor_id"]) == ("bob", {"roles": ["vp"]}, org.ids["admin"])


def test_a_publish_of_permission_sets_is_audited_with_its_changes(org):
    define(org.admin, {**SALES_REP, "label": {"en": "Sales rep"}})
    published = search(org, event="metadata.published")["items"][0]
    assert {"kind": "permission_set", "name": "sales_rep", "action": "update"} in published["details"]["changes"]
    assert search(org, event="metadata.draft_saved")["items"][0]["subject"] == "permission_set/sales_rep"


def test_shares_and_admin_overrides_are_audited(org):
    record = org.create("alice", title="mine")
    org["alice"].post(url(record, suffix="/share"), json={"team": "west"})
    shared = search(org, event="record.shared")["items"][0]
    assert (shared["object"], shared["record_id"], shared["actor"]) == ("opportunity", record, "alice")
    org.admin.get(url(record))
    override = search(org, event="admin.override", object="opportunity", record_id=str(record))["items"]
    assert override and override[0]["details"] == {"action": "read"}


def test_an_administrators_count_and_aggregate_of_a_private_object_are_audited(org):
    org.create("alice", title="mine")
    org.admin.get(url() + "/count")
    org.admin.get(url() + "/aggregate", query_string={"group_by": "region"})
    actions = {e["details"]["action"] for e in search(org, event="admin.override", object="opportunity")["items"]}
    assert {"count", "aggregate"} <= actions


def test_token_changes_and_use_are_audited(org):
    made = org["alice"].post("/api/v1/tokens", json={"name": "ci"}).get_json()
    org["alice"].delete(f"/api/v1/tokens/{made['id']}")
    kinds = [e["event"] for e in search(org, event="token.", actor=str(org.ids["alice"]))["items"]]
    assert {"token.created", "token.revoked", "token.used"} <= set(kinds)


def test_the_log_is_paged_newest_first_without_gaps_or_repeats(org):
    seen, cursor = [], None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        page = search(org, **params)
        seen.extend(e["id"] for e in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) > 7
    assert len(seen) == len(search(org, limit=500)["items"])


def test_filters_with_sql_metacharacters_match_nothing_and_break_nothing(org):
    assert search(org, subject="' OR '1'='1")["items"] == []
    assert search(org, object="opportunity'; DELETE FROM tessera_audit;--")["items"] == []
    assert search(org, limit=500)["items"]
    for params in ({"event": "login%"}, {"actor": "1 OR 1=1"}, {"since": "yesterday"}, {"limit": "0"},
                   {"cursor": "!!"}, {"sort": "id"}):
        assert_problem(org.admin.get("/api/v1/audit", query_string=params), 400, "invalid_query")


def test_the_audit_log_can_be_filtered_by_time_and_outcome(org):
    org.app.test_client().post("/api/v1/auth/login", json={"username": "alice", "password": "nope"})
    failed = search(org, outcome="failure")["items"]
    assert [e["event"] for e in failed] == ["login.failed"]
    assert search(org, since="2999-01-01T00:00:00Z")["items"] == []


def test_the_database_refuses_to_change_or_remove_audit_rows(org):
    before = search(org, limit=500)["items"]
    assert before
    attempts = [sa.update(audit_log).values(event="tampered"), sa.delete(audit_log)]
    if org.runtime.engine.dialect.name == "postgresql":
        attempts.append(sa.text("TRUNCATE tessera_audit"))
    for statement in attempts:
        with pytest.raises(sa.exc.DatabaseError, match=APPEND_ONLY_MESSAGE):
            with org.runtime.write() as conn:
                conn.execute(statement)
    assert search(org, limit=500)["items"] == before
