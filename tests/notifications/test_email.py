"""The e-mail channel: after the write commits, the dispatcher sends each recipient whose
preferences name e-mail a plain-text message in their locale, over SMTP (a real aiosmtpd
server here); a server that is down gets retries, then a dead delivery an admin retries."""

from tessera.i18n import Message, Translated
from tests.notifications.conftest import notify
from tests.notifications.servers import SmtpServer, free_port

QUOTE = Translated({"en": "Quote", "zh-CN": "报价"})


def smtp(server):
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": server.port, "SMTP_FROM": "crm@example.com"}


def approved(record_id=7):
    return Message("notification.approval.approved", object=QUOTE, id=record_id, flow="discount")


def test_by_default_a_user_with_an_address_gets_an_email_in_their_locale_after_the_commit(people):
    with SmtpServer() as server:
        rt = people.app(**smtp(server)).extensions["tessera"]
        notify(rt, [people.ids["alice"], people.ids["bao"], people.ids["carl"]], "approval.approved", approved(),
               {"object": "quote", "record_id": 7})
        assert server.messages == []  # nothing is sent inside the writer's transaction
        assert rt.events.dispatch() == 2
        assert rt.events.dispatch() == 0
    by_address = {m["to"][0]: m["mail"] for m in server.messages}
    assert sorted(by_address) == ["alice@example.com", "bao@example.cn"]  # carl has no address
    alice, bao = by_address["alice@example.com"], by_address["bao@example.cn"]
    assert alice["Subject"] == "Your approval request for Quote 7 was approved"
    assert alice["From"] == "crm@example.com"
    assert "https://crm.example/app/o/quote/7" in alice.get_content()
    assert bao["Subject"] == "您提交的报价 7 的审批申请已通过"
    assert bao["X-Tessera-Notification"].startswith(str(
        people.client(people.apps[0], "bao").get("/api/v1/notifications").get_json()["items"][0]["id"]))


def test_without_an_smtp_server_configured_nobody_is_emailed_and_no_event_is_written(people):
    rt = people.app().extensions["tessera"]
    notify(rt, [people.ids["alice"]], "approval.approved", approved())
    with rt.read() as conn:
        events = conn.execute(rt.outbox_table.select().where(
            rt.outbox_table.c.event_type == "notification.created")).all()
    assert events == []


def test_an_smtp_server_that_is_down_gets_retries_then_the_delivery_is_dead_until_an_admin_retries(people):
    port = free_port()
    app = people.app(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    rt, admin = app.extensions["tessera"], people.client(app, "admin")
    notify(rt, [people.ids["alice"]], "approval.approved", approved())
    assert rt.events.dispatch() == 0
    rt.clock.advance(seconds=30)
    assert rt.events.dispatch() == 0
    rt.clock.advance(seconds=60)
    assert rt.events.dispatch() == 0
    [dead] = admin.get("/api/v1/events?status=dead").get_json()["items"]
    assert dead["type"] == "notification.created"
    assert [d["subscriber"] for d in dead["deliveries"]] == [f"notification:email:{_only_id(people, app)}"]
    assert dead["deliveries"][0]["attempts"] == 3 and "Error" in dead["deliveries"][0]["last_error"]
    with SmtpServer(port) as server:
        assert admin.post(f"/api/v1/events/{dead['id']}/retry").status_code == 200
        assert rt.events.dispatch() == 1
    assert [m["to"] for m in server.messages] == [["alice@example.com"]]


def test_preferences_choose_which_kinds_are_emailed(people):
    with SmtpServer() as server:
        app = people.app(**smtp(server))
        rt, alice = app.extensions["tessera"], people.client(app, "alice")
        answer = alice.put("/api/v1/notifications/preferences",
                           json={"default": [], "kinds": {"approval.approved": ["email"]}})
        assert answer.status_code == 200, answer.get_json()
        notify(rt, [people.ids["alice"]], "approval.approved", approved(1))
        notify(rt, [people.ids["alice"]], "approval.rejected",
               Message("notification.approval.rejected", object=QUOTE, id=2, flow="f"))
        rt.events.dispatch()
    assert [m["mail"]["Subject"] for m in server.messages] == ["Your approval request for Quote 1 was approved"]
    assert alice.get("/api/v1/notifications").get_json()["unread_count"] == 2  # in-app gets every kind


def _only_id(people, app):
    return people.client(app, "alice").get("/api/v1/notifications").get_json()["items"][0]["id"]
