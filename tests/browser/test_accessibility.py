"""axe-core (the copy bundled with axe-playwright-python, no CDN) finds no serious or critical
violation on the app's main pages, at desktop and phone width."""

import pytest

from tests.browser.conftest import log_in

SERIOUS = {"serious", "critical"}
PAGES = ["/app/", "/app/o/opportunity", "/app/o/opportunity/1", "/app/o/opportunity/1/edit",
         "/app/o/opportunity/new", "/app/o/opportunity?filter=amout"]


def serious_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def test_the_login_page_has_no_serious_accessibility_violation(page, site):
    base, _, _ = site
    page.goto(base + "/app/login")
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_main_pages_have_no_serious_accessibility_violation(page, site, width):
    base, _, _ = site
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, base)
    found = {}
    for path in PAGES:
        page.goto(base + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
