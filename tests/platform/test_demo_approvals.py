"""The demo's discount approval: a discount above 15 % goes to the owner's manager (due in
48 hours, then escalated to their manager), above 30 % then to the sales director and
finance together; the demo leaves one request waiting in the sales manager's inbox."""

from datetime import datetime, timedelta

import pytest

from tessera.platform.demo import load_demo
from tessera.runtime.identity.users import create_token, find_user
from tests.conftest import Api


@pytest.fixture
def demo(app):
    runtime = app.extensions["tessera"]
    load_demo(runtime)
    return runtime


def _as(runtime, app, username):
    with runtime.write() as conn:
        return Api(app.test_client(), create_token(conn, find_user(conn, username)["id"]))


def _at(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_sales_manager_finds_the_demo_discount_request_in_the_inbox(demo, app):
    inbox = _as(demo, app, "zhao.lei").get("/api/v1/approvals/inbox").get_json()
    (item,) = inbox["items"]
    assert (item["object"], item["record"]["title"], item["step"]) == ("opportunity", "Harbour crane pumps",
                                                                       "manager")
    assert item["submitted_by"]["name"] == "Li Wei"
    assert _at(item["due_at"]) - _at(item["submitted_at"]) == timedelta(hours=48)
    assert _as(demo, app, "li.wei").get("/api/v1/approvals/inbox").get_json()["items"] == []


def test_loading_the_demo_again_submits_nothing_more(demo, app):
    load_demo(demo)
    assert len(_as(demo, app, "zhao.lei").get("/api/v1/approvals/inbox").get_json()["items"]) == 1


def test_a_deep_discount_needs_the_director_and_finance_after_the_manager(demo, app):
    li = _as(demo, app, "li.wei")
    record = li.post("/api/v1/objects/opportunity/records",
                     json={"title": "Deep cut", "amount": "1000.00", "discount": "0.35"}).get_json()
    request = li.post(f"/api/v1/objects/opportunity/records/{record['id']}/approval", json={}).get_json()
    approved = _as(demo, app, "zhao.lei").post(f"/api/v1/approvals/{request['id']}/approve", json={}).get_json()
    assert approved["step"] == "director_and_finance"
    pending = sorted(i["approver"]["name"] for i in approved["work_items"] if i["status"] == "pending")
    assert pending == ["Liu Yang", "Sun Hao"]
    rejected = _as(demo, app, "liu.yang").post(f"/api/v1/approvals/{request['id']}/reject", json={}).get_json()
    assert (rejected["status"], rejected["step"]) == ("pending", "manager")  # back one step
