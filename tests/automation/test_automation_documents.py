"""An automation document is checked when it is saved (its own shape) and when it is
published (against the rest of the set, and against the actions this server can run)."""

import pytest

from tests.automation.conftest import publish, refused, rule


def put(api, doc):
    return api.put(f"/api/v1/metadata/automation/{doc['name']}", json=doc)


def test_a_well_formed_rule_with_every_built_in_action_publishes(auto_api):
    hook = {"kind": "webhook", "name": "erp", "object": "opportunity", "events": ["record.created"],
            "url": "http://127.0.0.1:9/hook", "secret": "whsec-0123456789abcdef"}
    publish(auto_api, hook, rule("every", "field_changed", [
        {"field_update": {"fields": {"next_step": '"x"', "touches": 3}}},
        {"create_record": {"object": "task", "lookup": "opportunity", "values": {"subject": "title"}}},
        {"webhook": {"name": "erp"}}], fields=["stage"], condition="ISCHANGED(stage)", timing="before_commit"))
    got = auto_api.get("/api/v1/metadata/automation/every?published=true")
    assert got.status_code == 200


@pytest.mark.parametrize("doc, path", [
    (rule("r", "field_changed", [{"webhook": {"name": "x"}}]), "fields"),
    (rule("r", "updated", [{"webhook": {"name": "x"}}], fields=["stage"]), "fields"),
    (rule("r", "approval_decided", [{"webhook": {"name": "x"}}], timing="before_commit"), "timing"),
    (rule("r", "updated", [{"webhook": {"name": "x"}}], decision="approved"), "decision"),
    (rule("r", {"schedule": "0 8 * * 9"}, [{"webhook": {"name": "x"}}]), "trigger.schedule"),
])
def test_a_rule_whose_shape_does_not_fit_its_trigger_is_refused_when_saved(auto_api, doc, path):
    response = put(auto_api, doc)
    assert response.status_code == 422
    assert path in response.get_json()["errors"]


@pytest.mark.parametrize("actions, condition, path", [
    ([{"field_update": {"fields": {"nope": '"x"'}}}], None, "every.actions[0].field_update.fields.nope"),
    ([{"field_update": {"fields": {"touches": '"text"'}}}], None, "every.actions[0].field_update.fields.touches"),
    ([{"create_record": {"object": "task", "lookup": "subject"}}], None, "every.actions[0].create_record.lookup"),
    ([{"webhook": {"name": "nowhere"}}], None, "every.actions[0].webhook.name"),
    ([{"webhook": {"name": "nowhere"}}], "amount", "every.condition"),
])
def test_a_rule_that_does_not_fit_the_model_is_refused_at_publish(auto_api, actions, condition, path):
    doc = rule("every", "updated", actions, **({"condition": condition} if condition else {}))
    problem = refused(auto_api, doc)
    assert any(key.endswith(path.split(".", 1)[1]) for key in problem["errors"]), problem["errors"]


def test_an_action_no_installed_plugin_provides_is_refused_at_publish(auto_api):
    problem = refused(auto_api, rule("odd", "created", [{"teleport": {}}, {"plugin": {"name": "nope"}}]))
    assert problem["code"] == "automation_failed"
    assert set(problem["errors"]) == {"odd.actions[0].teleport", "odd.actions[1].plugin"}
