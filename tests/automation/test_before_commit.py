"""Rules that run before commit act inside the record write's transaction: what they write
is part of the answer, an action that fails refuses the whole write, and a chain that does
not end stops at the configured depth with nothing written."""

from tessera.runtime.identity.users import create_user
from tests.automation.conftest import audit_entries, create, publish, records, refused, rule, update


def test_a_created_rule_updates_the_new_record_in_the_same_write(auto_api, rt):
    publish(auto_api, rule("first_step", "created", [{"field_update": {"fields": {"next_step": '"Call " & title'}}}],
                           timing="before_commit"))
    record = create(auto_api, title="Acme")
    assert record["next_step"] == "Call Acme"
    assert record["version"] == 2
    history = auto_api.get(f"/api/v1/objects/opportunity/records/{record['id']}/history").get_json()
    assert any(entry.get("field") == "next_step" for entry in history["items"]) or history


def test_a_field_changed_rule_sees_the_prior_value(auto_api, rt):
    publish(auto_api, rule("won_note", "field_changed", [
        {"field_update": {"fields": {"next_step": '"was " & PRIORVALUE(stage)'}}}],
        fields=["stage"], condition='ISCHANGED(stage) && stage = "Won"', timing="before_commit"))
    record = create(auto_api, title="Acme", stage="Prospecting")
    assert record["next_step"] is None
    renamed = update(auto_api, record, title="Acme Ltd")
    assert renamed["next_step"] is None
    won = update(auto_api, renamed, stage="Won")
    assert won["next_step"] == "was Prospecting"


def test_a_condition_that_does_not_hold_runs_nothing(auto_api, rt):
    publish(auto_api, rule("big_only", "created", [{"field_update": {"fields": {"next_step": '"review"'}}}],
                           condition="amount > 1000", timing="before_commit"))
    assert create(auto_api, title="Small", amount="10")["next_step"] is None
    assert create(auto_api, title="Big", amount="5000")["next_step"] == "review"


def test_create_record_adds_a_related_record_pointing_back(auto_api, rt):
    publish(auto_api, rule("kickoff", "field_changed", [
        {"create_record": {"object": "task", "lookup": "opportunity", "values": {"subject": '"Kick-off: " & title'}}}],
        fields=["stage"], condition='stage = "Won"', timing="before_commit"))
    record = create(auto_api, title="Acme", stage="Prospecting")
    update(auto_api, record, stage="Won")
    [task] = records(auto_api, "task")
    assert (task["subject"], task["opportunity"]) == ("Kick-off: Acme", record["id"])


def test_automation_writes_are_audited_with_the_triggering_user(auto_api, rt):
    publish(auto_api, rule("first_step", "created", [{"field_update": {"fields": {"touches": 1}}}],
                           timing="before_commit"))
    record = create(auto_api, title="Acme")
    [entry] = audit_entries(rt)
    assert entry["actor"] == "automation first_step"
    assert entry["actor_id"] == record["owner"]
    assert (entry["object"], entry["record_id"]) == ("opportunity", record["id"])
    assert entry["details"]["action"] == "field_update" and entry["details"]["depth"] == 1


def test_a_failing_action_refuses_the_whole_write(auto_api, rt):
    publish(auto_api, rule("broken_task", "created", [
        {"create_record": {"object": "task", "values": {"subject": "NULL"}}}], timing="before_commit"))
    problem = create(auto_api, status=422, title="Acme")
    assert problem["code"] == "validation_failed"
    assert records(auto_api) == [] and records(auto_api, "task") == []


def test_a_rule_updating_its_own_record_forever_stops_at_the_limit_with_nothing_written(auto_api, rt, caplog):
    publish(auto_api, rule("forever", "updated", [{"field_update": {"fields": {"touches": "touches + 1"}}}],
                           timing="before_commit"))
    record = create(auto_api, title="Acme", touches=0)
    problem = update(auto_api, record, status=422, title="Acme Ltd")
    assert problem["code"] == "automation_loop"
    [stored] = records(auto_api)
    assert (stored["title"], stored["touches"], stored["version"]) == ("Acme", "0", 1)
    assert audit_entries(rt) == []
    assert "automation forever on opportunity" in caplog.text and "deeper than 5" in caplog.text


def test_a_deleted_rule_runs_in_the_delete(auto_api, rt):
    publish(auto_api, rule("tombstone", "deleted", [
        {"create_record": {"object": "task", "values": {"subject": '"Deleted: " & title'}}}], timing="before_commit"))
    record = create(auto_api, title="Acme")
    assert auto_api.delete(f"/api/v1/objects/opportunity/records/{record['id']}").status_code == 204
    assert [t["subject"] for t in records(auto_api, "task")] == ["Deleted: Acme"]


def test_an_assign_action_gives_the_record_its_owner(auto_api, rt):
    with rt.write() as conn:
        rep = create_user(conn, "rep_one")
    publish(auto_api, rule("to_rep", "created", [{"assign": {"user": rep}}], condition="amount > 1000",
                           timing="before_commit"))
    assert create(auto_api, title="Big", amount="5000")["owner"] == rep
    assert create(auto_api, title="Small", amount="10")["owner"] != rep


def test_an_assign_action_shaped_wrongly_is_refused_at_publish(auto_api):
    problem = refused(auto_api, rule("to_nobody", "created", [{"assign": {"user": "seven"}}]))
    assert problem["code"] == "automation_failed" and list(problem["errors"]) == ["to_nobody.actions[0].assign"]
