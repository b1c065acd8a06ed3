"""Channels are plugins: a plugin's channel is offered when it says it is available, gets
what the recipient chose (rendered in their locale, with the absolute link), and is
retried when it raises; two channels of one name are refused when the app is built."""

import pytest

from tessera.i18n import Message
from tessera.platform import create_app, hookimpl
from tessera.runtime.clock import FrozenClock
from tessera.runtime.events.subscribers import Outcome
from tests.notifications.conftest import START, notify


class Pager:
    """A plugin channel keeping what it is sent; ``fail`` sends raise first."""

    def __init__(self, fail=0):
        self.sent, self.fail = [], fail

    def available(self, options):
        return True

    def reaches(self, options, recipient):
        return recipient.username != "carl"

    def send(self, options, outgoing):
        if self.fail:
            self.fail -= 1
            raise ConnectionError("pager offline")
        self.sent.append(outgoing)
        return Outcome(True)


class PagerPlugin:
    def __init__(self, pager, name="pager"):
        self.pager, self.name = pager, name

    @hookimpl
    def tessera_register_notification_channels(self):
        return {self.name: self.pager}


def test_a_plugin_channel_gets_what_the_recipient_chose_in_their_locale(people):
    pager = Pager()
    app = create_app({"DATABASE_URL": people.database_url, "TESTING": True, "PUBLIC_URL": "https://crm.example/"},
                     plugins=[PagerPlugin(pager)])
    try:
        bao = people.client(app, "bao")
        assert "pager" in bao.get("/api/v1/notifications/preferences").get_json()["channels"]
        assert bao.put("/api/v1/notifications/preferences",
                       json={"kinds": {"approval.rejected": ["pager"]}}).status_code == 200
        rt = app.extensions["tessera"]
        notify(rt, [people.ids["bao"]], "approval.rejected",
               Message("notification.approval.rejected", object="quote", id=4, flow="f"),
               {"object": "quote", "record_id": 4})
        notify(rt, [people.ids["bao"]], "approval.approved",
               Message("notification.approval.approved", object="quote", id=4, flow="f"))
        assert rt.events.dispatch() == 1
    finally:
        app.extensions["tessera"].dispose()
    [sent] = pager.sent
    assert (sent.kind, sent.recipient.username, sent.text) == ("approval.rejected", "bao", "您提交的quote 4 的审批申请已被驳回")
    assert sent.url == "https://crm.example/app/o/quote/4"


def test_a_channel_that_raises_is_retried_after_the_backoff(people):
    pager = Pager(fail=1)
    app = create_app({"DATABASE_URL": people.database_url, "TESTING": True, "EVENT_RETRY_SECONDS": 30},
                     plugins=[PagerPlugin(pager)])
    try:
        rt = app.extensions["tessera"]
        rt.clock = FrozenClock(START)
        assert people.client(app, "alice").put("/api/v1/notifications/preferences",
                                               json={"default": ["pager"]}).status_code == 200
        notify(rt, [people.ids["alice"]])
        assert rt.events.dispatch() == 0 and pager.sent == []
        rt.clock.advance(seconds=30)
        assert rt.events.dispatch() == 1 and len(pager.sent) == 1
    finally:
        app.extensions["tessera"].dispose()


def test_two_channels_of_one_name_are_refused(people):
    with pytest.raises(ValueError, match="email"):
        create_app({"DATABASE_URL": people.database_url, "TESTING": True},
                   plugins=[PagerPlugin(Pager(), name="email")])
