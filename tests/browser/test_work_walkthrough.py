"""The reps' and managers' work in a real browser, over the demo's sales team: a rep submits a
deal for approval, the manager approves it from the inbox, the rep's dashboard shows the KPI
grown by it and explains it; feedback goes from a rep to an administrator and back.

One live server for the module (its own database: `tessera demo`'s data, the discount flow
setting the stage to "Won" on final approval). Screenshots go to tests/browser/screenshots/.
"""

import json
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tessera.platform.demo import EXAMPLE, load_demo
from tests.browser.conftest import PASSWORD, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api
from tests.live_server import serving

PEOPLE = ("admin", "li.wei", "zhao.lei")


def _won_on_approval(admin):
    flow = json.loads((EXAMPLE / "metadata" / "discount_approval.json").read_text("utf-8"))
    flow["actions"]["final_approval"].append({"field_update": {"field": "stage", "value": "\"Won\""}})
    assert admin.put("/api/v1/metadata/approval_flow/discount_approval", json=flow).status_code == 200
    published = admin.post("/api/v1/metadata/publish", json={})
    assert published.status_code == 200, published.get_json()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, app, the administrator's API client, {username: user id}) over the demo."""
    from tessera.runtime import Context
    from tessera.runtime.identity.users import find_user, set_password

    url = f"sqlite:///{tmp_path_factory.mktemp('work') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    admin = Api(app.test_client(), load_demo(runtime))
    _won_on_approval(admin)
    with runtime.write() as conn:
        ids = {name: find_user(conn, name)["id"] for name in PEOPLE}
        for user_id in ids.values():
            set_password(conn, Context(user_id=ids["admin"], username="admin", is_admin=True), user_id, PASSWORD)
    with serving(app) as base:
        yield base, app, admin, ids
    runtime.dispose()


def _actual(page, kpi):
    return page.locator(f"tr[data-kpi={kpi}] a.explain-link").inner_text()


def _amount(text):
    return float(text.replace(",", ""))


def _decide(page, button, comment):
    button.click()
    page.locator("#approval-dialog").wait_for()
    page.fill("#approval-comment", comment)
    page.click("#approval-confirm")


def test_a_rep_submits_a_deal_the_manager_approves_from_the_inbox_and_the_dashboard_counts_it(page, site, browser):
    base, _, _, ids = site
    log_in(page, base, "li.wei", "/app/performance")
    revenue_before = _amount(_actual(page, "revenue"))
    page.goto(base + "/app/o/opportunity/new")
    page.fill("#f-title", "Dockside cranes")
    page.fill("#f-amount", "50000")
    page.fill("#f-discount", "20")
    page.select_option("#f-stage", "Negotiation")
    page.fill("#f-close_date", date.today().isoformat())
    page.fill("#f-sales_rep", str(ids["li.wei"]))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/o/opportunity/\d+$"))
    record_url = page.url
    _decide(page, page.locator("[data-approval=submit]"), "Signs this week at 20 %.")
    page.wait_for_selector("#approval-status")
    assert page.locator("#approval-status").inner_text() == "Pending"
    assert page.locator("#record-lock").is_visible()
    assert "Zhao Lei" in page.locator("#approval-waiting").inner_text()
    assert page.locator("[data-approval=recall]").is_visible()
    snap(page, "record-approval-pending")

    manager = page.context.browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    log_in(manager, base, "zhao.lei", "/app/approvals")
    assert manager.locator("#nav-approvals .badge").inner_text().startswith("2")
    item = manager.locator(".inbox-item", has_text="Dockside cranes")
    assert "Li Wei" in item.inner_text() and "Owner's manager" in item.inner_text()
    snap(manager, "inbox")
    _decide(manager, item.locator("[data-approval=reassign]"), "")
    manager.fill("#approval-user", "999999")
    manager.click("#approval-confirm")
    manager.wait_for_selector("#approval-alert:not([hidden])")
    assert manager.locator("#approval-alert").inner_text() != ""
    snap(manager, "inbox-reassign-error")
    manager.keyboard.press("Escape")
    _decide(manager, item.locator("[data-approval=approve]"), "Fine for this customer.")
    manager.wait_for_selector("#inbox-done")
    assert manager.locator(".inbox-item", has_text="Dockside cranes").count() == 0
    manager.context.close()

    page.goto(record_url)
    assert page.locator("#approval-status").inner_text() == "Approved"
    assert "Fine for this customer." in page.locator(".timeline").inner_text()
    page.goto(base + "/app/performance")
    assert _amount(_actual(page, "revenue")) == revenue_before + 50000
    assert page.locator("#insights li").count() >= 1
    snap(page, "performance")
    page.click("tr[data-kpi=revenue] a.explain-link")
    assert "Dockside cranes" in page.locator("table.explain").inner_text()
    snap(page, "performance-explain")


def test_a_rep_cannot_open_a_colleagues_dashboard_but_the_manager_can(page, site):
    base, _, _, ids = site
    log_in(page, base, "li.wei", "/app/")
    response = page.goto(f"{base}/app/performance?user={ids['zhao.lei']}")
    assert response.status == 404
    page.context.clear_cookies()
    log_in(page, base, "zhao.lei", f"/app/performance?user={ids['li.wei']}")
    assert page.locator("h1").inner_text() == "Performance of Li Wei"


def test_feedback_from_a_rep_is_triaged_by_an_administrator_and_the_rep_sees_its_status(page, site):
    base, _, _, _ = site
    log_in(page, base, "li.wei", "/app/o/opportunity")
    page.click("#feedback-open")
    page.check("input[name=kind][value=pain]")
    page.fill("#feedback-text", "Typing a colleague's user number to <b>reassign</b> is slow.")
    snap(page, "feedback-dialog", full_page=False)
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("#feedback-done:not([hidden])")
    page.click("#feedback-done a")
    entry = page.locator("#my-feedback li").first
    assert "<b>reassign</b>" in entry.inner_text() and "New" in entry.inner_text()

    admin = page.context.browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    log_in(admin, base, "admin", "/app/feedback/triage?status=new")
    row = admin.locator("#triage-list li", has_text="reassign")
    assert "/app/o/opportunity" in row.inner_text()
    row.locator("select").select_option("planned")
    row.locator("input[name=note]").fill("A people picker is coming.")
    row.locator("button[type=submit]").click()
    # Not wait_for_function: its polling evaluates a string in the page, which the CSP refuses.
    expect(admin.locator(".triage-result")).to_have_text("Saved.")
    snap(admin, "feedback-triage")
    admin.context.close()

    page.reload()
    entry = page.locator("#my-feedback li").first
    assert "Planned" in entry.inner_text() and "A people picker is coming." in entry.inner_text()
    snap(page, "my-feedback")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_work_pages_have_no_serious_accessibility_violation(page, site, width):
    base, _, _, _ = site
    page.set_viewport_size({"width": width, "height": 844})
    found = {}
    for user, paths in (("zhao.lei", ["/app/approvals", "/app/o/opportunity/1"]),
                        ("li.wei", ["/app/performance", "/app/performance/explain?period={period}&kpi=revenue",
                                    "/app/feedback"]),
                        ("admin", ["/app/feedback/triage"])):
        page.context.clear_cookies()
        log_in(page, base, user, "/app/")
        for path in paths:
            if "{period}" in path:
                page.goto(base + "/app/performance")
                path = path.format(period=page.locator("tr[data-kpi] a.explain-link").first.get_attribute(
                    "href").split("period=")[1].split("&")[0])
            page.goto(base + path)
            violations = serious_violations(page)
            if violations:
                found[path] = violations
    if width == 390:
        page.context.clear_cookies()
        log_in(page, base, "li.wei", "/app/performance")
        snap(page, "phone-performance", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert found == {}
