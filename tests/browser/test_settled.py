"""The browser suite acts only on loaded pages (tests/browser/settled.py): a click on a button
that a late module wires, right after the page opened, still reaches the module's handler."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in

#: Every request of the page waits this long, so its modules arrive well after its HTML.
LATENCY_MS = 400


def test_a_click_right_after_a_navigation_waits_for_the_modules_that_wire_the_button(page, site):
    base, _, rep = site
    assert rep.post("/api/v1/tokens", json={"name": "Late module"}).status_code == 201
    log_in(page, base, "rita", "/app/")
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions",
                 {"offline": False, "latency": LATENCY_MS, "downloadThroughput": -1, "uploadThroughput": -1})
    page.click("#sidenav >> text=API tokens")
    row = page.locator("#token-table tbody tr", has_text="Late module")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".revoke-token").click()
    expect(row).to_have_class(re.compile(r"\brevoked\b"), timeout=10_000)
