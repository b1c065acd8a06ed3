"""Flow versions pinned per request, Idempotency-Key replays, and the approval inbox."""

from datetime import datetime, timedelta

from tests.approvals.conftest import NOW, manager, role, set_stage, step
from tests.platform.support import assert_problem

INBOX = "/api/v1/approvals/inbox"


def test_a_request_finishes_on_the_flow_version_it_started_with(org):
    org.publish_flow(steps=[step("manager", manager())], actions={"final_approval": [set_stage("Approved")]})
    old_quote = org.quote()
    old = org.submitted(old_quote)

    republished = org.publish_flow(steps=[step("director", manager(levels=2)), step("finance", role("finance"))],
                                   actions={"final_approval": [set_stage("Submitted")]})
    assert republished.status_code == 200, republished.get_json()
    new = org.submitted(org.quote())

    assert (new["flow"], new["step"]) == ({"name": "discount", "version": 2}, "director")
    assert [s["name"] for s in org.instance(old["id"])["steps"]] == ["manager"]
    done = org.acted("mark", old["id"], "approve")
    assert (done["status"], done["flow"]["version"]) == ("approved", 1)
    assert org.read_quote(old_quote)["stage"] == "Approved"


def test_the_same_idempotency_key_replays_the_first_answer_and_changes_nothing(org):
    org.publish_flow(steps=[step("finance", role("finance"), decision="all")])
    request = org.submitted(org.quote())
    key = {"Idempotency-Key": "approve-once"}
    url = f"/api/v1/approvals/{request['id']}/approve"
    first = org["fay"].post(url, json={"comment": "ok"}, headers=key)
    assert first.status_code == 200
    events = org.events("")

    again = org["fay"].post(url, json={"comment": "ok"}, headers=key)

    assert (again.status_code, again.get_json()) == (200, first.get_json())
    assert org.events("") == events
    assert [h["action"] for h in org.instance(request["id"])["history"]] == ["submitted", "approved"]
    other = org["fay"].post(f"/api/v1/approvals/{request['id']}/reject", json={}, headers=key)
    assert_problem(other, 422, "idempotency_key_reused")


def test_a_submission_replayed_with_its_key_creates_one_request(org):
    org.publish_flow(steps=[step("manager", manager())])
    quote = org.quote()
    key = {"Idempotency-Key": "submit-7"}
    url = f"/api/v1/objects/quote/records/{quote}/approval"
    first = org["rita"].post(url, json={}, headers=key)
    again = org["rita"].post(url, json={}, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert org.events() == ["approval.submitted"]


def test_the_inbox_lists_pending_items_by_due_time_with_the_issue_s_shape(org):
    org.publish_flow(steps=[step("manager", manager(), due={"hours": 48})])
    first = org.quote(title="first")
    org.submitted(first)
    org.runtime.clock = lambda: NOW - timedelta(hours=5)
    second = org.quote(title="second")
    org.submitted(second)

    page = org["mark"].get(INBOX).get_json()

    assert page["next_cursor"] is None
    assert [item["record"] for item in page["items"]] == [{"id": second, "title": "second"},
                                                          {"id": first, "title": "first"}]
    item = page["items"][1]
    assert set(item) == {"work_item", "instance", "object", "record", "step", "submitted_by", "submitted_at",
                         "due_at"}
    assert (item["object"], item["step"], item["submitted_by"]) == ("quote", "manager",
                                                                   {"id": org.ids["rita"], "name": "Rita"})
    assert item["due_at"] == "2026-12-05T09:00:00Z"
    backwards = org["mark"].get(INBOX + "?sort=-due_at").get_json()["items"]
    assert [i["record"]["id"] for i in backwards] == [first, second]
    assert org["rita"].get(INBOX).get_json() == {"items": [], "next_cursor": None}


def test_the_inbox_pages_with_a_keyset_cursor(org):
    org.publish_flow(steps=[step("manager", manager(), due={"business_days": 1})])
    ids = [org.quote(title=f"q{n}") for n in range(5)]
    for record_id in ids:
        org.submitted(record_id)
    seen, cursor = [], None
    while True:
        url = INBOX + "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = org["mark"].get(url).get_json()
        seen.extend(item["record"]["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert_problem(org["mark"].get(INBOX + "?cursor=nonsense"), 400)
    assert_problem(org["mark"].get(INBOX + "?sort=title"), 400)


def test_business_days_skip_the_weekend(org):
    org.publish_flow(steps=[step("manager", manager(), due={"business_days": 2})])
    request = org.submitted(org.quote())  # Thursday 2026-12-03
    assert request["work_items"][0]["due_at"] == "2026-12-07T09:00:00Z"
    assert datetime(2026, 12, 7).weekday() == 0
