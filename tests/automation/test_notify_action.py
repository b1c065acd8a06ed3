"""The ``notify`` action: the users, role holders, owner and user fields a rule names are
notified in the app about the record, in the rule's transaction."""

from tessera.runtime.identity.users import create_token
from tests.automation.conftest import create, publish, refused, rule
from tests.conftest import Api


def person(auto_api, auto_app, username, roles=()):
    """A user made through the API; return (id, their client)."""
    made = auto_api.post("/api/v1/users", json={"username": username, "display_name": username.title(),
                                                 "roles": list(roles)})
    assert made.status_code == 201, made.get_json()
    user_id = made.get_json()["id"]
    with auto_app.extensions["tessera"].write() as conn:
        return user_id, Api(auto_app.test_client(), create_token(conn, user_id))


def told(client):
    return [(n["kind"], n["message"], n["link"]["record_id"]) for n in
            client.get("/api/v1/notifications").get_json()["items"]]


def test_a_rule_notifies_the_users_and_role_holders_it_names_with_a_link_to_the_record(auto_api, auto_app):
    assert auto_api.post("/api/v1/roles", json={"name": "sales_manager", "parent": None}).status_code == 201
    dana, dana_api = person(auto_api, auto_app, "dana")
    _, mo_api = person(auto_api, auto_app, "mo", roles=["sales_manager"])
    publish(auto_api, rule("big_deal", "created", [{"notify": {"users": [dana], "roles": ["sales_manager"],
                                                               "message": {"en": "A big deal", "zh-CN": "大单"}}}],
                           condition="amount > 100000", timing="before_commit"))
    create(auto_api, title="small", amount="10")
    deal = create(auto_api, title="big", amount="500000")
    assert told(dana_api) == told(mo_api) == [("automation.notice", "A big deal", deal["id"])]
    assert told(auto_api) == []


def test_the_owner_is_told_after_commit_in_a_standard_message_when_the_rule_gives_none(auto_api, auto_app):
    publish(auto_api, rule("stalled", "field_changed", [{"notify": {"owner": True}}], fields=["next_step"],
                           timing="after_commit"))
    deal = create(auto_api, title="d")
    changed = auto_api.patch(f"/api/v1/objects/opportunity/records/{deal['id']}",
                             json={"version": deal["version"], "next_step": "call"})
    assert changed.status_code == 200, changed.get_json()
    assert told(auto_api) == []  # after commit: not yet
    auto_app.extensions["tessera"].events.dispatch()
    [(kind, text, record_id)] = told(auto_api)
    assert (kind, record_id) == ("automation.notice", deal["id"]) and "stalled" in text


def test_a_notify_action_naming_nobody_is_refused_at_publish(auto_api):
    problem = refused(auto_api, rule("empty", "created", [{"notify": {"message": {"en": "x"}}}]))
    assert any("notify" in path for path in problem["errors"]), problem


def test_an_unknown_role_fails_the_write_and_notifies_nobody(auto_api, auto_app):
    dana, dana_api = person(auto_api, auto_app, "dana")
    publish(auto_api, rule("ghost", "created", [{"notify": {"users": [dana], "roles": ["ghosts"]}}],
                           timing="before_commit"))
    create(auto_api, status=422, title="x")
    assert told(dana_api) == []
