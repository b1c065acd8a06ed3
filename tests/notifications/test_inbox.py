"""In-app notifications: written in the caller's transaction, listed to their recipient only,
newest first and keyset-paged, rendered in the reader's locale, marked read one or all."""

import pytest
from sqlalchemy import select

from tessera.i18n import Message, Translated
from tessera.runtime.notifications.tables import notification
from tests.notifications.conftest import START, notify


def test_a_notification_is_listed_to_its_recipient_with_its_link_and_the_unread_count(people):
    app = people.app()
    rt = app.extensions["tessera"]
    [nid] = notify(rt, [people.ids["alice"]], "approval.approved",
                   Message("notification.approval.approved", object=Translated({"en": "Quote", "zh-CN": "报价"}),
                           id=7, flow="discount"),
                   {"object": "quote", "record_id": 7, "approval": 3}, actor_id=people.ids["bao"])
    answer = people.client(app, "alice").get("/api/v1/notifications").get_json()
    assert answer["unread_count"] == 1 and answer["next_cursor"] is None
    [item] = answer["items"]
    assert item == {"id": nid, "kind": "approval.approved", "code": "notification.approval.approved",
                    "message": "Your approval request for Quote 7 was approved",
                    "link": {"object": "quote", "record_id": 7, "approval": 3, "url": "/app/o/quote/7"},
                    "actor": people.ids["bao"], "created_at": START.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "read": False, "read_at": None}
    assert people.client(app, "alice").get("/api/v1/notifications/unread_count").get_json() == {"unread_count": 1}


def test_the_message_renders_in_the_readers_locale(people):
    app = people.app()
    notify(app.extensions["tessera"], [people.ids["bao"], people.ids["alice"]], "approval.rejected",
           Message("notification.approval.rejected", object=Translated({"en": "Quote", "zh-CN": "报价"}), id=9,
                   flow="f"))
    bao, alice = people.client(app, "bao"), people.client(app, "alice")
    assert bao.get("/api/v1/notifications").get_json()["items"][0]["message"] == "您提交的报价 9 的审批申请已被驳回"
    assert alice.get("/api/v1/notifications").get_json()["items"][0]["message"] == \
        "Your approval request for Quote 9 was rejected"
    in_chinese = alice.get("/api/v1/notifications", headers={"Accept-Language": "zh-CN"}).get_json()
    assert in_chinese["items"][0]["message"] == "您提交的报价 9 的审批申请已被驳回"


def test_an_administrators_text_in_several_locales_renders_per_reader(people):
    app = people.app()
    notify(app.extensions["tessera"], [people.ids["bao"]], "approval.notice", {"en": "Done", "zh-CN": "完成"})
    assert people.client(app, "bao").get("/api/v1/notifications").get_json()["items"][0]["message"] == "完成"


def test_the_list_is_newest_first_and_keyset_paged(people):
    app = people.app()
    rt, alice = app.extensions["tessera"], people.client(app, "alice")
    ids = [notify(rt, [people.ids["alice"]], message=Message("notification.text", text=f"n{i}"))[0]
           for i in range(5)]
    first = alice.get("/api/v1/notifications?limit=2").get_json()
    assert [i["id"] for i in first["items"]] == ids[:-3:-1]
    second = alice.get(f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}").get_json()
    third = alice.get(f"/api/v1/notifications?limit=2&cursor={second['next_cursor']}").get_json()
    assert [i["id"] for i in second["items"] + third["items"]] == ids[2::-1]
    assert third["next_cursor"] is None
    for first_page in ("0", "00"):
        assert alice.get(f"/api/v1/notifications?limit=2&cursor={first_page}").get_json() == first


def test_unread_only_and_marking_one_then_all_read(people):
    app = people.app()
    rt, alice = app.extensions["tessera"], people.client(app, "alice")
    first, second, third = (notify(rt, [people.ids["alice"]])[0] for _ in range(3))
    marked = alice.post(f"/api/v1/notifications/{second}/read")
    assert marked.status_code == 200 and marked.get_json()["read"] is True
    assert marked.get_json()["read_at"] == START.strftime("%Y-%m-%dT%H:%M:%SZ")
    unread = alice.get("/api/v1/notifications?unread=true").get_json()
    assert [i["id"] for i in unread["items"]] == [third, first] and unread["unread_count"] == 2
    assert alice.post(f"/api/v1/notifications/{second}/read").status_code == 200  # again: still read, no error
    assert alice.post("/api/v1/notifications/read").get_json() == {"marked": 2, "unread_count": 0}
    assert alice.get("/api/v1/notifications?unread=true").get_json()["items"] == []
    assert alice.get("/api/v1/notifications").get_json()["unread_count"] == 0


def test_nobody_reads_counts_or_marks_another_users_notifications(people):
    app = people.app()
    rt = app.extensions["tessera"]
    [alices] = notify(rt, [people.ids["alice"]])
    carl, admin = people.client(app, "carl"), people.client(app, "admin")
    for reader in (carl, admin):
        assert reader.get("/api/v1/notifications").get_json() == {"items": [], "next_cursor": None,
                                                                   "unread_count": 0}
        missing = reader.post(f"/api/v1/notifications/{alices}/read")
        assert missing.status_code == 404 and missing.get_json()["code"] == "notification_not_found"
        assert reader.post("/api/v1/notifications/read").get_json()["marked"] == 0
    assert people.client(app, "alice").get("/api/v1/notifications/unread_count").get_json() == {"unread_count": 1}


def test_a_rolled_back_write_notifies_nobody(people):
    app = people.app(SMTP_HOST="127.0.0.1")
    rt = app.extensions["tessera"]
    with pytest.raises(RuntimeError), rt.write() as conn:
        rt.notifications.notify(conn, [people.ids["alice"]], "test.hello", Message("notification.text", text="x"))
        raise RuntimeError("the caller's write failed")
    with rt.read() as conn:
        assert conn.execute(select(notification.c.id)).all() == []
        assert conn.execute(select(rt.outbox_table.c.id).where(
            rt.outbox_table.c.event_type == "notification.created")).all() == []


def test_inactive_and_unknown_recipients_are_skipped_and_duplicates_notified_once(people):
    app = people.app()
    admin = people.client(app, "admin")
    assert admin.patch(f"/api/v1/users/{people.ids['carl']}", json={"active": False}).status_code == 200
    ids = notify(app.extensions["tessera"], [people.ids["carl"], people.ids["alice"], people.ids["alice"], 999999])
    assert len(ids) == 1
    assert people.client(app, "alice").get("/api/v1/notifications").get_json()["unread_count"] == 1


@pytest.mark.parametrize("kind, link", [("Not A Kind", None), ("ok.kind", {"object": "quote"}),
                                        ("ok.kind", {"object": "quote", "record_id": 1, "extra": 2})])
def test_a_caller_naming_a_bad_kind_or_link_is_a_programming_error(people, kind, link):
    rt = people.app().extensions["tessera"]
    with pytest.raises(ValueError):
        notify(rt, [people.ids["alice"]], kind, link=link)


@pytest.mark.parametrize("query", ["unread=yes", "limit=0", "limit=201", "cursor=abc"])
def test_bad_list_parameters_are_400_problems(people, query):
    app = people.app()
    answer = people.client(app, "alice").get(f"/api/v1/notifications?{query}")
    assert answer.status_code == 400 and answer.get_json()["code"] == "invalid_query"


def test_every_route_needs_authentication(people):
    client = people.app().test_client()
    for method, path in [("get", "/api/v1/notifications"), ("get", "/api/v1/notifications/unread_count"),
                         ("post", "/api/v1/notifications/read"), ("post", "/api/v1/notifications/1/read"),
                         ("get", "/api/v1/notifications/preferences"),
                         ("put", "/api/v1/notifications/preferences")]:
        assert getattr(client, method)(path).status_code == 401, path
