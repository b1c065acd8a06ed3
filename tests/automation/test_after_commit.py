"""Rules that run after commit are handed their events by the dispatcher: once per (rule,
event) however often the event is delivered, in order per record; a chain that does not end
stops at the configured depth, its last delivery dead with the reason; approval decisions
trigger rules; a webhook action reaches its webhook through the outbox."""

from sqlalchemy import update as sql_update

from tessera.runtime.events.tables import delivery
from tests.automation.conftest import audit_entries, create, publish, records, rule, update
from tests.events.receiver import Receiver

SECRET = "whsec-0123456789abcdef"


def read(api, record_id):
    return api.get(f"/api/v1/objects/opportunity/records/{record_id}").get_json()


def test_an_after_commit_rule_runs_when_the_event_is_dispatched(auto_api, rt):
    publish(auto_api, rule("first_step", "created", [{"field_update": {"fields": {"next_step": '"Call " & title'}}}]))
    record = create(auto_api, title="Acme")
    assert record["next_step"] is None
    rt.events.dispatch()
    assert read(auto_api, record["id"])["next_step"] == "Call Acme"
    [entry] = audit_entries(rt)
    assert entry["actor"] == "automation first_step" and entry["actor_id"] == record["owner"]
    assert entry["details"]["event"] is not None and entry["details"]["depth"] == 1


def test_a_redelivered_event_runs_the_rule_once(auto_api, rt):
    publish(auto_api, rule("count", "updated", [{"field_update": {"fields": {"touches": "touches + 1"}}}],
                           condition="ISCHANGED(stage)"))
    record = create(auto_api, title="Acme", touches=0, stage="Prospecting")
    update(auto_api, record, stage="Won")
    rt.events.dispatch()
    assert read(auto_api, record["id"])["touches"] == "1"
    with rt.write() as conn:  # as if the dispatcher had died after the work, before settling
        conn.execute(sql_update(delivery).where(delivery.c.subscriber == "automation:count")
                     .values(status="pending", attempts=0))
    rt.events.dispatch()
    assert read(auto_api, record["id"])["touches"] == "1"
    assert len(audit_entries(rt)) == 1


def test_the_condition_sees_what_the_event_changed(auto_api, rt):
    publish(auto_api, rule("won_note", "field_changed", [
        {"field_update": {"fields": {"next_step": '"was " & PRIORVALUE(stage)'}}}],
        fields=["stage"], condition='ISCHANGED(stage) && stage = "Won"'))
    record = create(auto_api, title="Acme", stage="Negotiation")
    record = update(auto_api, record, title="Acme Ltd")
    update(auto_api, record, stage="Won")
    rt.events.dispatch()
    assert read(auto_api, record["id"])["next_step"] == "was Negotiation"


def test_an_after_commit_loop_stops_at_the_limit_and_its_last_delivery_is_dead(auto_api, rt, caplog):
    publish(auto_api, rule("forever", "updated", [{"field_update": {"fields": {"touches": "touches + 1"}}}]))
    record = create(auto_api, title="Acme", touches=0)
    update(auto_api, record, title="Acme Ltd")
    rt.events.dispatch()
    assert read(auto_api, record["id"])["touches"] == "5"
    [dead] = auto_api.get("/api/v1/events?status=dead").get_json()["items"]
    [link] = dead["deliveries"]
    assert (link["subscriber"], link["status"], link["attempts"]) == ("automation:forever", "dead", 1)
    assert "deeper than 5" in link["last_error"]
    assert [e["details"]["depth"] for e in audit_entries(rt)] == [1, 2, 3, 4, 5]
    assert "automation forever on opportunity" in caplog.text


def test_a_chain_across_timings_counts_one_depth(auto_api, rt):
    publish(auto_api,
            rule("inside", "updated", [{"field_update": {"fields": {"touches": "touches + 1"}}}],
                 condition="MOD(touches, 2) = 1", timing="before_commit"),
            rule("outside", "updated", [{"field_update": {"fields": {"touches": "touches + 1"}}}],
                 condition="MOD(touches, 2) = 0"))
    record = create(auto_api, title="Acme", touches=0)
    update(auto_api, record, touches=1)  # inside (depth 1) makes 2; then outside 2 -> 3, inside 3 -> 4, ...
    rt.events.dispatch()
    assert read(auto_api, record["id"])["touches"] == "6"
    assert sorted((e["details"]["depth"], e["actor"]) for e in audit_entries(rt)) == [
        (1, "automation inside"), (2, "automation outside"), (3, "automation inside"), (4, "automation outside"),
        (5, "automation inside")]
    [dead] = auto_api.get("/api/v1/events?status=dead").get_json()["items"]
    assert dead["deliveries"][0]["subscriber"] == "automation:outside"


def test_an_approval_decision_triggers_its_rules(auto_api, rt):
    flow = {"kind": "approval_flow", "name": "deal_desk", "object": "opportunity",
            "steps": [{"name": "owner", "approvers": [{"field": "owner"}]}]}
    publish(auto_api, flow, rule("approved_next", "approval_decided", [
        {"field_update": {"fields": {"next_step": '"Approved: send contract"'}}}], decision="approved"),
        rule("rejected_next", "approval_decided", [
            {"field_update": {"fields": {"next_step": '"Rejected"'}}}], decision="rejected"))
    record = create(auto_api, title="Acme")
    submitted = auto_api.post(f"/api/v1/objects/opportunity/records/{record['id']}/approval", json={})
    assert submitted.status_code == 201, submitted.get_json()
    rt.events.dispatch()
    assert read(auto_api, record["id"])["next_step"] is None
    approved = auto_api.post(f"/api/v1/approvals/{submitted.get_json()['id']}/approve", json={})
    assert approved.status_code == 200, approved.get_json()
    rt.events.dispatch()
    assert read(auto_api, record["id"])["next_step"] == "Approved: send contract"


def test_a_webhook_action_is_delivered_through_the_outbox(auto_api, rt):
    with Receiver(SECRET) as receiver:
        hook = {"kind": "webhook", "name": "erp", "object": "opportunity", "events": ["record.deleted"],
                "url": receiver.url, "secret": SECRET, "active": True}
        publish(auto_api, hook, rule("to_erp", "field_changed", [{"webhook": {"name": "erp"}}],
                                     fields=["stage"], condition='stage = "Won"', timing="before_commit"))
        record = create(auto_api, title="Acme", stage="Prospecting", amount="1200.50")
        update(auto_api, record, stage="Won")
        assert receiver.requests == []
        rt.events.dispatch()
    [request] = receiver.requests
    body = request["body"]
    assert request["verified"] is True
    assert (body["type"], body["record_id"]) == ("automation.webhook", record["id"])
    assert body["data"]["automation"] == "to_erp" and body["data"]["webhook"] == "erp"
    assert body["data"]["values"]["amount"] == "1200.50" and body["data"]["values"]["stage"] == "Won"
    assert body["data"]["cause"]["depth"] == 1


def test_records_a_rule_creates_after_commit_are_written_once(auto_api, rt):
    publish(auto_api, rule("kickoff", "created", [
        {"create_record": {"object": "task", "lookup": "opportunity", "values": {"subject": '"Kick-off"'}}}]))
    first, second = create(auto_api, title="A"), create(auto_api, title="B")
    rt.events.dispatch()
    rt.events.dispatch()
    assert sorted(t["opportunity"] for t in records(auto_api, "task")) == [first["id"], second["id"]]
