"""Re-running the rules for a record (POST .../assign) and ``runtime.assignments.assign``, the
entry point automations call: the owner change is a record.updated event with an audit entry."""

import pytest
from sqlalchemy import select

from tessera.runtime.automation.errors import AssignmentFailed
from tessera.runtime.schema.system_tables import audit_log, outbox
from tests.assignment.conftest import admin_ctx, pool, rule

RECORDS = "/api/v1/objects/lead/records"


def owner_events(runtime, record_id):
    with runtime.read() as conn:
        rows = conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "record.updated",
                                                           outbox.c.record_id == record_id).order_by(outbox.c.id))
        return [payload["changes"]["owner"] for payload in rows.scalars()]


def test_assign_reruns_the_rules_and_writes_an_updated_event_and_an_audit_entry(sales):
    record = sales.create("in2")
    sales.publish(rule("to_east1", {"user": sales.ids["east1"]}))
    response = sales["in2"].post(f"{RECORDS}/{record['id']}/assign")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"id": record["id"], "owner": sales.ids["east1"], "version": 2}
    assert owner_events(sales.runtime, record["id"]) == [{"old": sales.ids["in2"], "new": sales.ids["east1"]}]
    with sales.runtime.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.event == "record.assigned")).mappings().one()
    assert (entry["actor_id"], entry["details"]["from"], entry["details"]["rule"]) == (
        sales.ids["in2"], sales.ids["in2"], "to_east1")


def test_assign_without_a_matching_rule_leaves_the_record_as_it_is(sales):
    record = sales.create("in2")
    sales.publish(rule("east_only", {"user": sales.ids["east1"]}, criteria='region = "East"'))
    response = sales.admin.post(f"{RECORDS}/{record['id']}/assign")
    assert (response.status_code, response.get_json()["owner"], response.get_json()["version"]) == (
        200, sales.ids["in2"], 1)


def test_assign_needs_edit_access_to_the_record(sales):
    record = sales.create("in2")
    sales.publish(rule("to_east1", {"user": sales.ids["east1"]}))
    assert sales["in3"].post(f"{RECORDS}/{record['id']}/assign").status_code == 404
    assert sales.owner(record["id"]) == sales.ids["in2"]


def test_assign_can_send_a_record_to_a_pool_and_rules_can_take_it_out_again(sales):
    record = sales.create("in2")
    sales.publish(pool(), rule("to_pool", {"pool": "east_pool"}))
    assert sales.admin.post(f"{RECORDS}/{record['id']}/assign").status_code == 200
    assert sales["east1"].get("/api/v1/pools/east_pool").get_json()["items"][0]["id"] == record["id"]
    sales.publish(rule("to_pool", {"user": sales.ids["in4"]}))
    assert sales.admin.post(f"{RECORDS}/{record['id']}/assign").get_json()["owner"] == sales.ids["in4"]
    assert sales["east1"].get("/api/v1/pools/east_pool").get_json()["items"] == []
    assert sales["east1"].get(f"{RECORDS}/{record['id']}").status_code == 404


def test_the_automation_entry_point_assigns_inside_the_callers_transaction(sales):
    record = sales.create("in2")
    runtime = sales.runtime
    with runtime.write() as conn:
        owner = runtime.assignments.assign(conn, admin_ctx(sales), "lead", record["id"],
                                           {"round_robin": {"team": "east"}})
    assert owner == sales.ids["east1"] == sales.owner(record["id"])
    with pytest.raises(RuntimeError), runtime.write() as conn:
        runtime.assignments.assign(conn, admin_ctx(sales), "lead", record["id"], {"user": sales.ids["in5"]})
        raise RuntimeError("the caller's transaction fails")
    assert sales.owner(record["id"]) == sales.ids["east1"]


def test_the_entry_point_refuses_an_assignment_of_no_known_shape(sales):
    record = sales.create("in2")
    for assign_doc in ({"user": 1, "pool": "x"}, {"telepathy": {}}, [], {"user": "seven"},
                       {"round_robin": {"team": "east", "role": "rep"}}):
        with pytest.raises(AssignmentFailed), sales.runtime.write() as conn:
            sales.runtime.assignments.assign(conn, admin_ctx(sales), "lead", record["id"], assign_doc)
    assert sales.owner(record["id"]) == sales.ids["in2"]
