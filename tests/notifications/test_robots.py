"""The chat robot channels: WeCom (markdown or text), DingTalk (signed: timestamp + "\\n" +
secret, HMAC-SHA256, base64, URL-encoded ``sign``) and Feishu (signed with timestamp + "\\n"
+ secret as the key), each checked by a local server that verifies what the real one
does; a robot refusing (non-zero code) is retried; a private URL not on the allow-list is
never called."""

from tessera.i18n import Message, Translated
from tests.notifications.conftest import notify
from tests.notifications.servers import RobotServer

DING_SECRET = "SEC0123456789abcdef0123456789abcdef"
FEISHU_SECRET = "feishu-secret-0123"
QUOTE = Translated({"en": "Quote", "zh-CN": "报价"})


def asked(record_id=5):
    return Message("notification.approval.requested", submitter="Bao", object=QUOTE, id=record_id, step="Manager")


def choose(people, app, username, *channels):
    answer = people.client(app, username).put("/api/v1/notifications/preferences", json={"default": list(channels)})
    assert answer.status_code == 200, answer.get_json()


def test_each_robot_gets_its_shape_signed_as_it_checks_and_in_the_recipients_locale(people):
    with RobotServer(dingtalk_secret=DING_SECRET, feishu_secret=FEISHU_SECRET) as robots:
        app = people.app(WECOM_WEBHOOK_URL=robots.url("wecom", "?key=abc"),
                         DINGTALK_WEBHOOK_URL=robots.url("dingtalk", "?access_token=tok"),
                         DINGTALK_SECRET=DING_SECRET, FEISHU_WEBHOOK_URL=robots.url("feishu"),
                         FEISHU_SECRET=FEISHU_SECRET)
        rt = app.extensions["tessera"]
        choose(people, app, "bao", "wecom", "dingtalk", "feishu")
        notify(rt, [people.ids["bao"]], "approval.requested", asked(), {"object": "quote", "record_id": 5})
        assert rt.events.dispatch() == 3
    by_robot = {r["robot"]: r for r in robots.requests}
    assert sorted(by_robot) == ["dingtalk", "feishu", "wecom"] and all(r["valid"] for r in robots.requests)
    wecom = by_robot["wecom"]["body"]
    assert wecom["msgtype"] == "markdown" and by_robot["wecom"]["query"]["key"] == ["abc"]
    assert "Bao 请您审批报价 5（步骤“Manager”）" in wecom["markdown"]["content"]
    assert "https://crm.example/app/o/quote/5" in wecom["markdown"]["content"]
    assert by_robot["dingtalk"]["query"]["access_token"] == ["tok"] and "sign" in by_robot["dingtalk"]["query"]
    assert by_robot["dingtalk"]["body"]["markdown"]["title"] == "Bao 请您审批报价 5（步骤“Manager”）"
    assert "@Bao" in by_robot["feishu"]["body"]["content"]["text"]


def test_a_wrongly_signed_request_is_refused_by_the_fake_and_retried(people):
    with RobotServer(dingtalk_secret="the-robots-real-secret") as robots:
        app = people.app(DINGTALK_WEBHOOK_URL=robots.url("dingtalk", "?access_token=tok"),
                         DINGTALK_SECRET=DING_SECRET)
        rt = app.extensions["tessera"]
        choose(people, app, "alice", "dingtalk")
        notify(rt, [people.ids["alice"]], "approval.requested", asked())
        assert rt.events.dispatch() == 0
    assert [r["valid"] for r in robots.requests] == [False]
    [pending] = people.client(app, "admin").get("/api/v1/events?status=pending").get_json()["items"]
    assert "robot refused" in pending["deliveries"][0]["last_error"]


def test_a_robot_refusing_twice_gets_the_message_on_the_third_try(people):
    with RobotServer(refuse=2) as robots:
        app = people.app(WECOM_WEBHOOK_URL=robots.url("wecom"), WECOM_MSGTYPE="text")
        rt = app.extensions["tessera"]
        choose(people, app, "alice", "wecom")
        notify(rt, [people.ids["alice"]], "approval.requested", asked())
        assert rt.events.dispatch() == 0
        rt.clock.advance(seconds=30)
        assert rt.events.dispatch() == 0
        rt.clock.advance(seconds=60)
        assert rt.events.dispatch() == 1
    assert len(robots.requests) == 3
    assert robots.requests[-1]["body"]["msgtype"] == "text"
    assert robots.requests[-1]["body"]["text"]["content"].startswith("@Alice Bao asks you to approve Quote 5")


def test_a_robot_url_on_a_private_address_is_not_called_unless_the_allow_list_names_it(people):
    with RobotServer() as robots:
        app = people.app(FEISHU_WEBHOOK_URL=robots.url("feishu"), WEBHOOK_ALLOW_HOSTS="")
        rt = app.extensions["tessera"]
        choose(people, app, "alice", "feishu")
        notify(rt, [people.ids["alice"]], "approval.requested", asked())
        assert rt.events.dispatch() == 0
    assert robots.requests == []
    [pending] = people.client(app, "admin").get("/api/v1/events?status=pending").get_json()["items"]
    assert "webhook.url.private" in pending["deliveries"][0]["last_error"]
