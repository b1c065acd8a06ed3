"""Transfers and privilege escalation: ownership changes only through a checked transfer."""

from sqlalchemy import select

from tessera.runtime.schema.system_tables import audit_log
from tessera.runtime.schema.system_tables import outbox
from tests.identity.conftest import titles, url
from tests.platform.support import assert_problem


def test_transferring_a_record_moves_access_to_the_new_owner(org):
    record = org.create("alice", title="handover")
    moved = org["alice"].post(url(record, suffix="/transfer"), json={"owner": org.ids["dave"]})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json() == {"id": record, "owner": org.ids["dave"], "version": 2}
    assert_problem(org["alice"].get(url(record)), 404)
    assert titles(org["dave"].get(url())) == ["handover"]
    assert org["dave"].get(url(record)).get_json()["owner"] == org.ids["dave"]


def test_a_transfer_writes_history_an_outbox_event_and_an_audit_entry(org):
    record = org.create("alice", title="handover")
    org["carol"].post(url(record, suffix="/transfer"), json={"owner": org.ids["bob"]})
    history = org["bob"].get(url(record, suffix="/history")).get_json()["items"]
    assert history[-1]["field"] == "owner"
    assert (history[-1]["old"], history[-1]["new"], history[-1]["actor"]) == (
        org.ids["alice"], org.ids["bob"], org.ids["carol"])
    with org.runtime.read() as conn:
        events = conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "record.transferred")).scalars().all()
        audits = conn.execute(select(audit_log).where(audit_log.c.event == "record.transferred")).mappings().all()
    assert events == [{"changes": {"owner": {"old": org.ids["alice"], "new": org.ids["bob"]}}}]
    assert [(a["actor_id"], a["record_id"]) for a in audits] == [(org.ids["carol"], record)]


def test_a_manager_may_transfer_a_subordinates_record_but_a_peer_may_not(org):
    record = org.create("alice", title="handover")
    assert_problem(org["dave"].post(url(record, suffix="/transfer"), json={"owner": org.ids["dave"]}), 404)
    assert org["carol"].post(url(record, suffix="/transfer"), json={"owner": org.ids["bob"]}).status_code == 200


def test_a_transfer_to_someone_who_cannot_act_is_refused(org):
    record = org.create("alice", title="handover")
    org.admin.patch(f"/api/v1/users/{org.ids['dave']}", json={"permission_sets": []})
    org.admin.delete(f"/api/v1/users/{org.ids['bob']}")
    for owner in (org.ids["dave"], org.ids["bob"], 99999, "alice", None):
        assert_problem(org["alice"].post(url(record, suffix="/transfer"), json={"owner": owner}), 422)
    assert org["alice"].get(url(record)).get_json()["owner"] == org.ids["alice"]


def test_patching_the_owner_is_refused(org):
    record = org.create("alice", title="mine")
    for key in ("owner", "owner_id"):
        body = assert_problem(org["alice"].patch(url(record), json={key: org.ids["dave"]}), 403, "field_access_denied")
        assert "transfer" in body["detail"]
    assert_problem(org.admin.patch(url(record), json={"owner": org.ids["dave"]}), 403)
    created = org["alice"].post(url(), json={"title": "planted", "owner": org.ids["dave"]})
    assert_problem(created, 403)
    assert org.admin.get(url(record)).get_json()["owner"] == org.ids["alice"]


def test_a_user_cannot_raise_their_own_rights(org):
    me = org.ids["alice"]
    for body in ({"roles": ["vp"]}, {"is_admin": True}, {"permission_sets": ["sales_rep", "x"]}, {"team": "west"},
                 {"manager": None}, {"active": True}):
        assert_problem(org["alice"].patch("/api/v1/users/me", json=body), 403, "permission_denied")
        assert_problem(org["alice"].patch(f"/api/v1/users/{me}", json=body), 403, "permission_denied")
    profile = org["alice"].get("/api/v1/users/me").get_json()
    assert (profile["roles"], profile["is_admin"], profile["team"]) == (["east_rep"], False, "east")


def test_a_user_cannot_create_users_roles_teams_or_publish_permission_sets(org):
    assert_problem(org["alice"].post("/api/v1/users", json={"username": "mallory", "is_admin": True}), 403)
    assert_problem(org["alice"].post("/api/v1/roles", json={"name": "boss"}), 403)
    assert_problem(org["alice"].post("/api/v1/teams", json={"name": "mine"}), 403)
    assert_problem(org["alice"].put("/api/v1/metadata/permission_set/sales_rep",
                                    json={"kind": "permission_set", "name": "sales_rep", "is_admin": True}), 403)
    assert_problem(org["alice"].post("/api/v1/metadata/publish", json={}), 403)


def test_a_user_may_change_their_own_profile(org):
    changed = org["alice"].patch("/api/v1/users/me", json={"display_name": "Alice 王", "locale": "zh-CN"})
    assert changed.status_code == 200
    assert changed.get_json()["display_name"] == "Alice 王"
    assert_problem(org["alice"].patch("/api/v1/users/me", json={"locale": "fr"}), 422, "validation_failed")
