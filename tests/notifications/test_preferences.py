"""Per-user preferences: in-app always; by default e-mail too when SMTP is configured and the
user has an address; a user may choose the configured channels per kind and for every
other kind; anything else is a 422 problem that changes nothing."""

import pytest

from tessera.i18n import Message
from tests.notifications.conftest import notify


def prefs(client):
    answer = client.get("/api/v1/notifications/preferences")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_by_default_only_in_app_without_smtp(people):
    app = people.app()
    answer = prefs(people.client(app, "alice"))
    assert answer["default"] == [] and answer["kinds"] == {} and answer["channels"] == []
    assert {"approval.requested", "approval.approved", "approval.rejected"} <= set(answer["known_kinds"])


def test_by_default_email_too_when_smtp_is_configured_and_the_user_has_an_address(people):
    app = people.app(SMTP_HOST="127.0.0.1", WECOM_WEBHOOK_URL="http://127.0.0.1:9/robot")
    assert prefs(people.client(app, "alice"))["default"] == ["email"]
    assert prefs(people.client(app, "carl"))["default"] == []
    assert prefs(people.client(app, "carl"))["channels"] == ["email", "wecom"]


def test_a_user_chooses_channels_per_kind_and_reads_them_back(people):
    app = people.app(SMTP_HOST="127.0.0.1", WECOM_WEBHOOK_URL="http://127.0.0.1:9/robot")
    alice = people.client(app, "alice")
    body = {"default": ["wecom"], "kinds": {"approval.requested": ["email", "wecom"], "approval.rejected": []}}
    answer = alice.put("/api/v1/notifications/preferences", json=body)
    assert answer.status_code == 200, answer.get_json()
    assert prefs(alice)["default"] == ["wecom"]
    assert prefs(alice)["kinds"] == body["kinds"]
    assert prefs(people.client(app, "bao"))["default"] == ["email"]  # one user's choice is theirs only


@pytest.mark.parametrize("body, field", [
    ({"default": ["pigeon"]}, "default"),
    ({"default": ["feishu"]}, "default"),  # known but not configured here
    ({"default": ["in_app"]}, "default"),
    ({"kinds": {"Approval Requested": ["email"]}}, "kinds.Approval Requested"),
    ({"kinds": {"approval.requested": "email"}}, "kinds.approval.requested"),
    ({"channels": ["email"]}, "channels"),
    ({"kinds": ["email"]}, "kinds"),
    ({"kinds": None}, "kinds"),
])
def test_an_unknown_channel_or_kind_is_a_422_that_changes_nothing(people, body, field):
    app = people.app(SMTP_HOST="127.0.0.1")
    alice = people.client(app, "alice")
    assert alice.put("/api/v1/notifications/preferences", json={"default": []}).status_code == 200
    answer = alice.put("/api/v1/notifications/preferences", json=body)
    assert answer.status_code == 422 and answer.get_json()["code"] == "validation_failed"
    assert field in answer.get_json()["errors"]
    assert prefs(alice)["default"] == []


def test_a_chosen_channel_that_is_later_unconfigured_is_skipped(people):
    alice_app = people.app(SMTP_HOST="127.0.0.1")
    assert people.client(alice_app, "alice").put("/api/v1/notifications/preferences",
                                                 json={"default": ["email"]}).status_code == 200
    rt = people.app().extensions["tessera"]  # SMTP no longer configured
    notify(rt, [people.ids["alice"]], "test.hello", Message("notification.text", text="hi"))
    with rt.read() as conn:
        assert conn.execute(rt.outbox_table.select().where(
            rt.outbox_table.c.event_type == "notification.created")).all() == []
