"""Notifications, the people picker and the remembered locale in a real browser, over the demo's
sales team: a rep submits a deal for approval, the manager sees the bell count, opens the
notification and lands on the deal, then hands the approval to a colleague by picking her with
the keyboard; a language chosen once is the language of the next sign-in, in a fresh browser.

One live server for the module (its own database: `tessera demo`'s data). Screenshots go to
tests/browser/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tessera.platform.demo import load_demo
from tests.browser.conftest import PASSWORD, choose_locale, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.live_server import serving

PEOPLE = ("admin", "li.wei", "zhao.lei", "wang.fang")
#: A WeCom robot, so the preferences offer one external channel (nothing is sent: no worker runs).
ROBOT = {"WECOM_WEBHOOK_URL": "https://robot.example.com/cgi-bin/webhook/send?key=k"}


def _context(runtime, user_id):
    from tessera.runtime.identity.principal import context_for_user

    with runtime.read() as conn:
        return context_for_user(conn, runtime.model(conn), user_id)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, runtime, {username: id}, the deal's id) over the demo: Zhao Lei has read his
    notifications; Li Wei has a deal with a 20 % discount, not yet submitted."""
    from tessera.runtime import Context
    from tessera.runtime.identity.users import find_user, set_password

    url = f"sqlite:///{tmp_path_factory.mktemp('notify') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, **ROBOT})
    runtime = app.extensions["tessera"]
    load_demo(runtime)
    with runtime.write() as conn:
        ids = {name: find_user(conn, name)["id"] for name in PEOPLE}
        for user_id in ids.values():
            set_password(conn, Context(user_id=ids["admin"], username="admin", is_admin=True), user_id, PASSWORD)
    runtime.notifications.mark_all_read(_context(runtime, ids["zhao.lei"]))
    deal = runtime.records.create(_context(runtime, ids["li.wei"]), "opportunity",
                                  {"title": "Pier pumps", "amount": "8000", "discount": "0.2", "stage": "Negotiation"})
    with serving(app) as base:
        yield base, runtime, ids, deal["id"]
    runtime.dispose()


def _new_page(page, **options):
    return page.context.browser.new_context(viewport={"width": 1280, "height": 860}, **options).new_page()


def test_the_manager_is_notified_of_a_submission_opens_it_and_reassigns_it_by_keyboard(page, site):
    base, runtime, ids, deal = site
    record = f"{base}/app/o/opportunity/{deal}"
    log_in(page, base, "li.wei", f"/app/o/opportunity/{deal}")
    page.click("[data-approval=submit]")
    page.click("#approval-confirm")
    expect(page.locator("#approval-status")).to_have_text("Pending")

    manager = _new_page(page)
    log_in(manager, base, "zhao.lei", "/app/")
    expect(manager.locator("#notifications-bell-count")).to_have_text(re.compile(r"^1\b"))
    snap(manager, "notifications-bell", full_page=False)
    manager.click("#notifications-bell")
    item = manager.locator(".notification.unread").first
    expect(item).to_contain_text("Li Wei asks you to approve")
    assert serious_violations(manager) == []
    snap(manager, "notifications")
    manager.locator('tr[data-kind="approval.requested"] input[value=wecom]').check()
    manager.click("#preferences-save")
    expect(manager.locator("#preferences-result")).to_have_text("Saved.")
    chosen = runtime.notifications.preferences(_context(runtime, ids["zhao.lei"]))["kinds"]
    assert chosen["approval.requested"] == ["wecom"] and chosen["approval.approved"] == []
    item.locator("a.notification-link").first.click()
    manager.wait_for_url(record)
    expect(manager.locator("#notifications-bell-count")).to_have_count(0)

    manager.goto(base + "/app/approvals")
    reassign = manager.locator(".inbox-item", has_text="Pier pumps").locator("[data-approval=reassign]")
    reassign.focus()
    manager.keyboard.press("Enter")
    picker = manager.locator("#approval-user")
    expect(picker).to_be_focused()
    manager.keyboard.type("nobody like this")
    expect(manager.locator("#approval-user-options .people-none")).to_have_text("No active user has that name.")
    manager.keyboard.press("Control+A")
    manager.keyboard.type("zha")
    expect(manager.locator("#approval-user-options [role=option]:not([aria-disabled])").first).to_be_visible()
    assert serious_violations(manager) == []
    manager.keyboard.type("n")  # a search on its way...
    manager.keyboard.press("Escape")  # ...is dropped: Escape closes the list, not the dialog
    manager.wait_for_timeout(600)  # past the search's pause and answer, the list stays closed
    expect(manager.locator("#approval-user-options")).to_be_hidden()
    expect(manager.locator("#approval-dialog")).to_be_visible()
    manager.keyboard.press("Control+A")
    manager.keyboard.type("wang")
    option = manager.locator("#approval-user-options [role=option]", has_text="Wang Fang")
    expect(option).to_be_visible()
    manager.keyboard.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(picker).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    snap(manager, "inbox-people-picker", full_page=False)
    manager.keyboard.press("Enter")
    expect(picker).to_have_value("Wang Fang")
    expect(manager.locator("#approval-user-id")).to_have_value(str(ids["wang.fang"]))
    manager.keyboard.press("Tab")
    expect(manager.locator("#approval-comment")).to_be_focused()
    manager.keyboard.type("Wang Fang knows this customer.")
    manager.keyboard.press("Tab")
    expect(manager.locator("#approval-confirm")).to_be_focused()
    manager.keyboard.press("Enter")
    expect(manager.locator("#inbox-done")).to_be_visible()
    expect(manager.locator(".inbox-item", has_text="Pier pumps")).to_have_count(0)
    manager.context.close()

    waiting = runtime.approvals.inbox(_context(runtime, ids["wang.fang"]), cursor=None, limit="25")["items"]
    assert [item["record"]["id"] for item in waiting if item["object"] == "opportunity"] == [deal]


def test_the_language_chosen_once_is_the_language_of_the_next_sign_in_in_a_fresh_browser(page, site):
    base, _, _, _ = site
    log_in(page, base, "wang.fang", "/app/notifications")
    choose_locale(page, "zh-CN")
    expect(page.locator("h1")).to_have_text("通知")
    page.click("#logout")
    page.wait_for_url(re.compile(r".*/app/login.*"))

    fresh = _new_page(page, locale="en-GB")
    log_in(fresh, base, "wang.fang", "/app/notifications")
    expect(fresh.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(fresh.locator("h1")).to_have_text("通知")
    expect(fresh.locator("#nav-approvals")).to_contain_text("审批")
    snap(fresh, "notifications-zh-CN")
    fresh.set_viewport_size({"width": 390, "height": 844})
    assert serious_violations(fresh) == []
    assert fresh.evaluate("document.documentElement.scrollWidth") <= 390
    snap(fresh, "phone-notifications-zh-CN")
    fresh.context.close()
