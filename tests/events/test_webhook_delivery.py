"""Webhooks get every wanted event at least once, signed, with its idempotency key; a failing
receiver gets retries with backoff, then the delivery is dead until an admin retries it;
a record's events arrive in order even when one of them fails for a while."""

from datetime import timedelta

from tessera.runtime.identity.users import create_token, create_user
from tests.conftest import Api
from tests.events.conftest import SECRET, START, publish, webhook
from tests.events.receiver import Receiver, verify


def create(api, **values):
    response = api.post("/api/v1/objects/opportunity/records", json={"title": "Deal", **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def update(api, record, **values):
    response = api.patch(f"/api/v1/objects/opportunity/records/{record['id']}",
                         json={"version": record["version"], **values})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_delivery_is_a_signed_post_with_the_event_and_its_idempotency_key(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        record = create(hooks_api, amount="1200.50", stage="Prospecting")
        assert rt.events.dispatch() == 1
        assert rt.events.dispatch() == 0
    [request] = receiver.requests
    body, headers = request["body"], request["headers"]
    assert request["verified"] is True and request["path"] == "/hook"
    assert set(body) == {"id", "type", "object", "record_id", "occurred_at", "actor", "data"}
    assert (body["type"], body["object"], body["record_id"]) == ("record.created", "opportunity", record["id"])
    assert body["data"]["values"]["amount"] == "1200.50"
    assert headers["Idempotency-Key"] == str(body["id"])
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    timestamp = int(headers["X-Tessera-Signature"].split(",")[0][2:])
    assert verify(SECRET, headers["X-Tessera-Signature"], request["raw"], now=timestamp)
    assert not verify("another-secret-of-16", headers["X-Tessera-Signature"], request["raw"], now=timestamp)
    assert not verify(SECRET, headers["X-Tessera-Signature"], request["raw"] + b" ", now=timestamp)


def test_only_the_wanted_types_and_records_meeting_the_filter_are_delivered(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url, events=["record.updated"], filter='stage = "Won"'))
        won = create(hooks_api, stage="Prospecting")
        lost = create(hooks_api, stage="Prospecting")
        update(hooks_api, won, stage="Won")
        update(hooks_api, lost, stage="Lost")
        assert rt.events.dispatch() == 1
    [request] = receiver.requests
    assert (request["body"]["type"], request["body"]["record_id"]) == ("record.updated", won["id"])
    assert request["body"]["data"]["changes"]["stage"] == {"old": "Prospecting", "new": "Won"}


def test_a_receiver_failing_twice_gets_the_event_on_the_third_try_after_the_backoff(hooks_api, rt):
    with Receiver(SECRET, script=[500, 500]) as receiver:
        publish(hooks_api, webhook(receiver.url))
        create(hooks_api)
        assert rt.events.dispatch() == 0 and len(receiver.requests) == 1
        rt.clock.advance(seconds=29)
        assert rt.events.dispatch() == 0 and len(receiver.requests) == 1
        rt.clock.advance(seconds=1)
        assert rt.events.dispatch() == 0 and len(receiver.requests) == 2
        rt.clock.advance(seconds=59)
        assert rt.events.dispatch() == 0
        rt.clock.advance(seconds=1)
        assert rt.events.dispatch() == 1
    assert [r["status"] for r in receiver.requests] == [500, 500, 200]
    assert len(set(receiver.keys())) == 1
    log = hooks_api.get("/api/v1/webhooks/erp/deliveries").get_json()
    assert [(i["attempt"], i["status_code"], i["delivered"]) for i in log["items"]] == \
        [(3, 200, True), (2, 500, False), (1, 500, False)]
    assert log["items"][2]["at"] == START.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert all(isinstance(i["duration_ms"], int) and i["duration_ms"] >= 0 for i in log["items"])
    assert log["next_cursor"] is None


def test_a_delivery_that_always_fails_is_dead_until_an_admin_retries_it(hooks_api, rt):
    with Receiver(SECRET, script=[503, 503, 503]) as receiver:
        publish(hooks_api, webhook(receiver.url))
        create(hooks_api)
        for _ in range(3):
            rt.events.dispatch()
            rt.clock.advance(hours=1)
        assert rt.events.dispatch() == 0 and len(receiver.requests) == 3
        dead = hooks_api.get("/api/v1/events?status=dead").get_json()
        [event] = dead["items"]
        assert (event["status"], event["type"]) == ("dead", "record.created")
        assert event["deliveries"] == [{"subscriber": "webhook:erp", "status": "dead", "attempts": 3,
                                        "next_attempt_at": None, "last_error": "HTTP 503: "}]
        # the two metadata.published events (the seed's and this test's) are delivered: no one wants them
        assert hooks_api.get("/api/v1/health").get_json()["events"] == {"pending": 0, "dead": 1, "delivered": 2}
        retried = hooks_api.post(f"/api/v1/events/{event['id']}/retry")
        assert retried.status_code == 200 and retried.get_json()["status"] == "pending"
        assert rt.events.dispatch() == 1
    assert hooks_api.get("/api/v1/events?status=dead").get_json() == {"items": [], "next_cursor": None}
    assert hooks_api.get("/api/v1/health").get_json()["events"] == {"pending": 0, "dead": 0, "delivered": 3}
    again = hooks_api.post(f"/api/v1/events/{event['id']}/retry")
    assert (again.status_code, again.get_json()["code"]) == (409, "event_not_dead")
    assert hooks_api.post("/api/v1/events/999999/retry").get_json()["code"] == "event_not_found"


def test_a_records_later_events_wait_while_an_earlier_one_fails(hooks_api, rt):
    with Receiver(SECRET, script=[500]) as receiver:
        publish(hooks_api, webhook(receiver.url))
        first = create(hooks_api, title="first")
        other = create(hooks_api, title="other")
        update(hooks_api, first, stage="Won")
        assert rt.events.dispatch() == 1  # the first record's creation failed; its update waits
        assert [r["body"]["record_id"] for r in receiver.requests] == [first["id"], other["id"]]
        rt.clock.advance(seconds=30)
        assert rt.events.dispatch() == 2
    delivered = [(r["body"]["record_id"], r["body"]["type"]) for r in receiver.requests if r["status"] == 200]
    assert delivered == [(other["id"], "record.created"), (first["id"], "record.created"),
                         (first["id"], "record.updated")]


def test_event_lists_are_keyset_paged_and_check_their_parameters(hooks_api, rt):
    for _ in range(3):
        create(hooks_api)  # three events, after the seed's metadata.published
    first = hooks_api.get("/api/v1/events?status=pending&limit=2").get_json()
    assert [e["status"] for e in first["items"]] == ["pending", "pending"] and first["next_cursor"]
    rest = hooks_api.get(f"/api/v1/events?status=pending&limit=2&cursor={first['next_cursor']}").get_json()
    assert [e["type"] for e in rest["items"]] == ["record.created"] * 2 and rest["next_cursor"] is None
    assert rest["items"][0]["id"] > first["items"][1]["id"]
    for query, status in (("status=lost", 400), ("limit=0", 400), ("limit=abc", 400), ("cursor=x", 400),
                          ("cursor=", 400)):
        response = hooks_api.get(f"/api/v1/events?{query}")
        assert response.status_code == status, query
    assert hooks_api.get("/api/v1/webhooks/nope/deliveries").get_json()["code"] == "webhook_not_found"


def test_delivered_events_are_pruned_after_the_retention(hooks_api, rt):
    with Receiver(SECRET) as receiver:
        publish(hooks_api, webhook(receiver.url))
        create(hooks_api)
        assert rt.events.dispatch() == 1
    assert hooks_api.get("/api/v1/health").get_json()["events"] == {"pending": 0, "dead": 0, "delivered": 3}
    rt.clock.advance(days=7)
    assert rt.events.prune() == 0
    rt.clock.advance(seconds=1)
    assert rt.events.prune() == 3  # the two publish events and the record's
    assert hooks_api.get("/api/v1/health").get_json()["events"] == {"pending": 0, "dead": 0, "delivered": 0}
    assert hooks_api.get("/api/v1/webhooks/erp/deliveries").get_json()["items"] == []


def test_only_administrators_see_events_and_deliveries(hooks_app, hooks_api, rt):
    with rt.write() as conn:
        token = create_token(conn, create_user(conn, "rita"))
    rita = Api(hooks_app.test_client(), token)
    publish(hooks_api, webhook("http://127.0.0.1:9/hook"))
    for answer in (rita.get("/api/v1/events"), rita.post("/api/v1/events/1/retry"),
                   rita.get("/api/v1/webhooks/erp/deliveries")):
        assert (answer.status_code, answer.get_json()["code"]) == (403, "permission_denied")
