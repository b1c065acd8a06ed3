"""The KPI and scheme designer in a real browser, over the demo: an administrator creates a
KPI with a filter (the API's problem shown next to its input first), adds it to a new scheme,
watches the weights' total (90 % flagged and refused, then 100 %), and saves the draft.

One live server for the module (its own database: `tessera demo`'s data). Screenshots go to
tests/browser/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tessera.platform.demo import load_demo
from tests.browser.conftest import PASSWORD, choose_locale, follow, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api
from tests.live_server import serving


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, the administrator's API client) over the demo, the administrator with a password."""
    from tessera.runtime import Context
    from tessera.runtime.identity.users import find_user, set_password

    url = f"sqlite:///{tmp_path_factory.mktemp('kpi_designer') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    admin = Api(app.test_client(), load_demo(runtime))
    with runtime.write() as conn:
        admin_id = find_user(conn, "admin")["id"]
        set_password(conn, Context(user_id=admin_id, username="admin", is_admin=True), admin_id, PASSWORD)
    with serving(app) as base:
        yield base, admin
    runtime.dispose()


def _create_kpi(page, base):
    page.click("#new-kpi")
    page.wait_for_url(base + "/app/design/kpis/new-kpi")
    page.fill("#k-name", "big_deals")
    page.fill("#k-label-en", "Big deals won")
    page.fill("#k-label-zh", "大单数")
    page.select_option("#k-object", "opportunity")
    page.fill("#k-measure", "COUNT()")
    page.fill("#k-filter", 'stage = "Won" && amount >= 100000')
    page.fill("#k-user_field", "sales_rep")
    page.select_option("#k-category", "process")
    expect(page.locator("#credit-split-part")).to_be_hidden()
    page.click("#save-kpi")
    expect(page.locator("#err-k-date_field")).to_be_visible()
    assert page.locator("[data-path=date_field]").get_attribute("class") == "field invalid"
    assert page.locator("#k-date_field").get_attribute("list") == "dl-dates-opportunity"
    snap(page, "design-kpi-error")
    page.fill("#k-date_field", "close_date")
    page.click("#save-kpi")
    page.wait_for_url(base + "/app/design/kpis/kpi/big_deals?saved=1")
    expect(page.locator("#form-saved")).to_have_text("Saved as draft version 1.")
    assert "never published" in page.locator("#try-unavailable").inner_text()
    snap(page, "design-kpi")


def _item(page, index):
    return page.locator("#items tr.scheme-item").nth(index)


def _create_scheme(page, base):
    page.goto(base + "/app/design/kpis")
    follow(page, "#new-scheme", "**/design/kpis/new-scheme")
    page.fill("#s-name", "big_deal_plan")
    page.fill("#s-label-en", "Big deal plan")
    page.select_option("#s-period_type", "quarter")
    page.fill("#s-effective_from", "2026-07-01")
    page.check("input[name=roles][value=sales_rep]")
    page.check("input[name=teams][value=east]")
    total = page.locator("#weight-total")
    for kpi, weight in (("revenue", "60"), ("big_deals", "30")):
        page.click("#add-item")
        row = _item(page, page.locator("#items tr.scheme-item").count() - 1)
        row.locator("select[name=kpi]").select_option(kpi)
        row.locator("input[name=weight]").fill(weight)
    expect(total).to_have_class(re.compile("flagged"))
    expect(total.locator(".sum")).to_have_text("Total 90 %")
    _item(page, 1).locator("input[name=floor]").fill("200")
    _item(page, 1).locator("input[name=cap]").fill("150")
    page.click("#save-scheme")
    expect(page.locator("#err-s-items")).to_contain_text("must total exactly 1, not 0.9")
    expect(_item(page, 1).locator("[data-item-field='scoring.floor'] .field-error")).to_contain_text("above the cap")
    snap(page, "design-scheme-error")
    _item(page, 1).locator("input[name=floor]").fill("0")
    _item(page, 0).locator("input[name=weight]").fill("70")
    expect(total.locator(".sum")).to_have_text("Total 100 %")
    expect(total).to_have_class(re.compile("complete"))
    expect(_item(page, 1).locator(".remove-item")).to_have_attribute("aria-label", "Remove Big deals won")
    page.click("#add-item")
    _item(page, 2).locator(".remove-item").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#items tr.scheme-item")).to_have_count(2)
    page.click("#save-scheme")
    page.wait_for_url(base + "/app/design/kpis/scheme/big_deal_plan?saved=1")
    expect(page.locator("#form-saved")).to_have_text("Saved as draft version 1.")
    snap(page, "design-scheme")


def test_an_administrator_creates_a_kpi_with_a_filter_and_adds_it_to_a_scheme_weighing_100(page, site):
    base, admin = site
    log_in(page, base, "admin", "/app/design/kpis")
    expect(page.locator("#nav-design-kpis")).to_have_attribute("aria-current", "page")
    snap(page, "design-kpis")
    _create_kpi(page, base)
    _create_scheme(page, base)
    stored = admin.get("/api/v1/metadata/kpi_scheme/big_deal_plan").get_json()["body"]
    assert stored["applies_to"] == {"roles": ["sales_rep"], "teams": ["east"], "users": []}
    assert [(i["kpi"], i["weight"]) for i in stored["items"]] == [("revenue", 0.7), ("big_deals", 0.3)]
    assert stored["items"][1]["scoring"] == {"floor": 0, "cap": 150}
    kpi = admin.get("/api/v1/metadata/kpi/big_deals").get_json()["body"]
    assert kpi["filter"] == 'stage = "Won" && amount >= 100000' and kpi["credit"] == {"user_field": "sales_rep"}
    page.goto(base + "/app/design/kpis")
    assert "Big deals won" in page.locator("[data-category=process]").inner_text()
    assert "Big deal plan" in page.locator("#scheme-table").inner_text()


def test_a_split_credit_kpi_shows_its_split_inputs_and_a_ratio_its_formula(page, site):
    base, _ = site
    log_in(page, base, "admin", "/app/design/kpis/kpi/team_selling")
    expect(page.locator("#credit-split-part")).to_be_visible()
    expect(page.locator("#credit-user-part")).to_be_hidden()
    page.check("#kind-ratio")
    expect(page.locator("#measured-part")).to_be_hidden()
    expect(page.locator("#ratio-part")).to_be_visible()
    page.goto(base + "/app/design/kpis/kpi/revenue")
    expect(page.locator("#try-form")).to_be_visible()
    page.click("#try-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/performance/explain\?kpi=revenue&user=\d+&period=.*"))
    expect(page.locator("h1")).to_have_text("Where Revenue comes from")
    expect(page.locator("#explain-actual")).not_to_be_empty()
    snap(page, "design-kpi-try")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_designer_pages_have_no_serious_accessibility_violation(page, site, width):
    base, _ = site
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, base, "admin", "/app/design/kpis")
    found = {}
    for path in ("/app/design/kpis", "/app/design/kpis/kpi/team_selling", "/app/design/kpis/new-kpi",
                 "/app/design/kpis/scheme/sales_quarterly"):
        page.goto(base + path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    if width == 390:
        snap(page, "phone-design-scheme")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert found == {}


def test_the_scheme_editor_speaks_simplified_chinese(page, site):
    base, _ = site
    log_in(page, base, "admin", "/app/design/kpis/scheme/sales_quarterly")
    choose_locale(page, "zh-CN")
    expect(page.locator("#weight-total .sum")).to_have_text("合计 100%")
    assert "季度销售考核" in page.locator("h1").inner_text()
    snap(page, "design-scheme-zh")
    choose_locale(page, "en")
    expect(page.locator("#weight-total .sum")).to_have_text("Total 100 %")
