"""The per-process principal cache and coalesced override audits never serve stale security.

Every change below is made through a second Runtime on the same database (as the CLI or
another web process would), after the app has cached the caller's principal; the very
next request must see it.
"""

import pytest
from sqlalchemy import func, select

from tessera.runtime import Runtime
from tessera.runtime.identity import version as directory_version
from tessera.runtime.identity.assignments import update_user
from tessera.runtime.audit.windows import AuditWindows
from tessera.runtime.context import Context
from tessera.runtime.identity.units import create_unit, delete_unit, update_unit
from tessera.runtime.identity.users import set_active
from tessera.runtime.schema.system_tables import token
from tessera.runtime.identity.tokens import revoke_token
from tests.identity.conftest import url
from tests.platform.support import assert_problem


def assert_sees(client, record):
    """``client`` reads the record: 200 with the record itself."""
    response = client.get(url(record))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["id"] == record


def assert_hidden(client, record):
    """``client`` gets the record's 404, as if it did not exist."""
    assert_problem(client.get(url(record)), 404, "record_not_found")


def assert_me(client, username):
    """``client`` is authenticated as ``username``."""
    response = client.get("/api/v1/users/me")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["username"] == username


@pytest.fixture
def other(org):
    """A second Runtime on the org's database, and the system context acting in it."""
    runtime = Runtime(org.app.config["DATABASE_URL"])
    yield runtime, Context.system(org.ids["admin"])
    runtime.dispose()


def test_the_directory_version_moves_with_every_assignment_and_unit_write(org, other):
    runtime, system = other
    with runtime.read() as conn:
        before = directory_version.current(conn)
    with runtime.write() as conn:
        update_user(conn, system, org.ids["bob"], {"roles": ["vp"]})
        update_unit(conn, "team", "east", {"label": {"en": "East"}})
    with runtime.read() as conn:
        assert directory_version.current(conn) == before + 2


def test_a_role_change_elsewhere_acts_on_the_next_request(org, other):
    runtime, system = other
    record = org.create("alice", title="alice's")
    assert_hidden(org["bob"], record)
    with runtime.write() as conn:
        update_user(conn, system, org.ids["bob"], {"roles": ["east_manager"]})
    assert_sees(org["bob"], record)
    with runtime.write() as conn:
        update_user(conn, system, org.ids["bob"], {"roles": ["east_rep"]})
    assert_hidden(org["bob"], record)


def test_a_permission_set_change_elsewhere_acts_on_the_next_request(org, other):
    runtime, system = other
    record = org.create("bob", title="bob's")
    assert [i["id"] for i in org["bob"].get(url()).get_json()["items"]] == [record]
    with runtime.write() as conn:
        update_user(conn, system, org.ids["bob"], {"permission_sets": []})
    assert_problem(org["bob"].get(url()), 403, "permission_denied")
    assert_problem(org["bob"].get(url(record)), 403, "permission_denied")


def test_moving_or_deleting_a_team_elsewhere_acts_on_the_next_request(org, other):
    runtime, _ = other
    record = org.create("dave", title="west deal")
    assert org["dave"].post(url(record, suffix="/share"), json={"team": "west"}).status_code in (200, 201)
    assert_hidden(org["bob"], record)
    with runtime.write() as conn:
        update_unit(conn, "team", "east", {"parent": "west"})
    assert_sees(org["bob"], record)
    with runtime.write() as conn:
        update_unit(conn, "team", "east", {"parent": "sales"})
    assert_hidden(org["bob"], record)


def test_deleting_a_role_elsewhere_acts_on_the_next_request(org, other):
    runtime, system = other
    with runtime.write() as conn:
        create_unit(conn, "role", "lead", parent="vp")
        update_user(conn, system, org.ids["bob"], {"roles": ["east_rep", "lead"]})
    record = org.create("dave", title="west deal")
    assert org["dave"].post(url(record, suffix="/share"), json={"role": "lead"}).status_code in (200, 201)
    assert_sees(org["bob"], record)
    with runtime.write() as conn:
        delete_unit(conn, "role", "lead")
    assert_hidden(org["bob"], record)


def test_deactivation_and_revocation_elsewhere_act_on_the_next_request(org, other):
    runtime, system = other
    assert_me(org["bob"], "bob")
    with runtime.write() as conn:
        set_active(conn, system, org.ids["bob"], False)
    assert_problem(org["bob"].get("/api/v1/users/me"), 401, "unauthenticated")
    alice = org.client_for("alice")
    assert_me(alice, "alice")
    with runtime.read() as conn:
        token_id = conn.execute(select(func.max(token.c.id)).where(token.c.user_id == org.ids["alice"])).scalar_one()
    with runtime.write() as conn:
        revoke_token(conn, system, token_id)
    assert_problem(alice.get("/api/v1/users/me"), 401, "unauthenticated")
    assert_me(org["alice"], "alice")


def test_an_admin_flag_change_elsewhere_acts_on_the_next_request(org, other):
    runtime, system = other
    assert_problem(org["bob"].get("/api/v1/audit"), 403, "permission_denied")
    with runtime.write() as conn:
        update_user(conn, system, org.ids["bob"], {"is_admin": True})
    audit = org["bob"].get("/api/v1/audit")
    assert audit.status_code == 200 and audit.get_json()["items"]


def _overrides(org, record):
    response = org.admin.get("/api/v1/audit", query_string={"event": "admin.override", "record_id": str(record)})
    return response.get_json()["items"]


def _override_audit(org):
    return org.runtime.overrides


def test_repeated_admin_reads_are_written_once_and_then_counted(org):
    record = org.create("alice", title="alice's")
    for _ in range(3):
        assert_sees(org.admin, record)
    assert [e["details"] for e in _overrides(org, record)] == [{"action": "read"}]
    _override_audit(org).flush(force=True)
    newest = _overrides(org, record)[0]
    assert (newest["details"]["action"], newest["details"]["count"]) == ("read", 2)
    assert newest["actor_id"] == org.ids["admin"] and newest["object"] == "opportunity"


def test_each_record_gets_its_own_first_read_row(org):
    first, second = org.create("alice", title="one"), org.create("alice", title="two")
    org.admin.get(url(first))
    org.admin.get(url(second))
    assert _overrides(org, first) and _overrides(org, second)


def test_admin_edits_of_others_records_are_audited_one_by_one(org):
    record = org.create("alice", title="alice's")
    for title in ("a", "b"):
        assert org.admin.patch(url(record), json={"title": title}).status_code == 200
    edits = [e for e in _overrides(org, record) if e["details"] == {"action": "edit"}]
    assert len(edits) == 2


def test_audit_windows_close_after_their_time():
    now = [0.0]
    windows = AuditWindows(window=10, clock=lambda: now[0])
    assert windows.note("k", "actor") is True
    assert windows.note("k", "actor") is False and windows.note("k", "actor") is False
    assert windows.take_due() == []
    now[0] = 11.0
    assert windows.note("k", "actor") is True
    due = windows.take_due()
    assert [(key, w.repeats) for key, w in due] == [("k", 2)]
    now[0] = 30.0
    assert windows.take_due() == []
    assert windows.pending() == 0
