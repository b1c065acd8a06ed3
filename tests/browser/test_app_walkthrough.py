"""The app for reps in a real browser: login, navigation, lists, record pages, forms, locale.

Every main page is written to tests/browser/screenshots/ as a PNG.
"""

import re

from tests.browser.conftest import DEAL_COUNT, XSS_TITLE, choose_locale, follow, log_in, snap


def _ids(page):
    return [int(a.get_attribute("href").rsplit("/", 1)[1]) for a in page.locator("a.record-link").all()]


def test_an_anonymous_visit_goes_to_the_login_page_then_back_to_the_page_asked_for_until_signing_out(page, site):
    base, _, _ = site
    page.goto(base + "/")
    assert page.url == base + "/app/login?next=/app/"
    snap(page, "login")
    page.fill("#username", "rita")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:not([hidden])")
    assert page.url.startswith(base + "/app/login")
    log_in(page, base, path="/app/o/opportunity")
    assert page.locator("h1").inner_text() == "Opportunities"
    page.click("#logout")
    page.wait_for_url(base + "/app/login")
    page.goto(base + "/app/o/opportunity")
    assert page.url == base + "/app/login?next=/app/o/opportunity"


def test_a_rep_sees_the_objects_they_may_read_pages_through_a_list_and_opens_a_record(page, site):
    base, _, _ = site
    log_in(page, base)
    assert page.locator("#nav-objects a").all_inner_texts() == ["Accounts", "Opportunities"]
    assert page.locator("#nav-work a").all_inner_texts() == ["Approvals", "Notifications", "Performance", "My feedback",
                                                             "API tokens"]
    snap(page, "home")
    page.click("#sidenav >> text=Opportunities")
    assert page.locator("#record-count").inner_text() == f"{DEAL_COUNT} records"
    headers = page.locator("table.records th").all_inner_texts()
    assert headers[0] == "Title" and "Margin" not in headers
    first = _ids(page)
    assert len(first) == 25
    snap(page, "list")
    page.click("a[rel=next]")
    second = _ids(page)
    assert len(second) == DEAL_COUNT - 25 and not set(first) & set(second)
    page.click("text=First page")
    page.click("a.record-link >> text=Deal 07")
    assert page.locator("#record-title").inner_text() == "Deal 07"
    labels = page.locator(".fields dt").all_inner_texts()
    assert "Amount" in labels and "Margin" not in labels
    assert page.locator(".field-row[data-field=amount] dd").inner_text() == "7,000.00"
    assert page.locator("table.history tbody tr").count() == 1
    snap(page, "record")


def test_a_list_sorts_by_a_column_and_filters_with_a_formula_showing_its_error(page, site):
    base, _, _ = site
    log_in(page, base, path="/app/o/opportunity")
    page.click("th >> text=Amount")
    page.click("th >> text=Amount")
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Amount")
    assert page.locator("a.record-link").first.inner_text() == "Deal 29"
    page.fill("#filter", "amount > 25000")
    page.press("#filter", "Enter")
    assert page.locator("#record-count").inner_text() == "4 records"
    assert page.locator("a.record-link").all_inner_texts() == ["Deal 29", "Deal 28", "Deal 27", "Deal 26"]
    page.fill("#filter", "amout > 1")
    page.press("#filter", "Enter")
    assert 'unknown field "amout"' in page.locator("#filter-error").inner_text()
    snap(page, "list-filter-error")


def test_a_rep_creates_a_record_after_fixing_the_validation_error_shown_next_to_its_field(page, site):
    base, _, _ = site
    log_in(page, base, path="/app/o/opportunity")
    follow(page, "text=New Opportunity", "**/app/o/opportunity/new")
    page.fill("#f-title", "Pump retrofit")
    page.fill("#f-amount", "-5")
    page.fill("#f-discount", "12.5")
    page.click("button[type=submit]")
    error = page.locator("#err-amount")
    error.wait_for()
    assert error.inner_text() != "" and page.locator("#err-title").is_hidden()
    assert page.locator(".field[data-field=amount]").get_attribute("class") == "field invalid"
    snap(page, "form-validation-error")
    page.fill("#f-amount", "45000")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/o/opportunity/\d+$"))
    assert page.locator("#record-title").inner_text() == "Pump retrofit"
    assert page.locator(".field-row[data-field=discount] dd").inner_text() == "12.50 %"


def test_saving_a_record_someone_changed_meanwhile_explains_the_conflict_with_a_reload_link(page, site):
    base, _, rep = site
    record_id = rep.post("/api/v1/objects/opportunity/records", json={"title": "Valve deal"}).get_json()["id"]
    log_in(page, base, path=f"/app/o/opportunity/{record_id}/edit")
    assert rep.patch(f"/api/v1/objects/opportunity/records/{record_id}", json={"amount": "10"}).status_code == 200
    page.fill("#f-title", "Valve deal (revised)")
    page.click("button[type=submit]")
    page.wait_for_selector("#reload-record")
    assert "Someone saved this record after you opened it" in page.locator("#form-alert").inner_text()
    snap(page, "form-conflict")
    page.click("#reload-record")
    assert page.input_value("#f-amount") == "10.00"


def test_the_locale_switch_shows_simplified_chinese_labels_and_is_remembered(page, site):
    base, _, _ = site
    log_in(page, base, username="ada", path="/app/o/opportunity")
    choose_locale(page, "zh-CN")
    assert page.locator("h1").inner_text() == "商机"
    assert "合同" in page.locator("#sidenav").inner_text()
    assert page.locator("table.records th").first.inner_text().startswith("标题")
    snap(page, "list-zh-CN")
    page.goto(base + "/app/o/opportunity/1")
    assert page.locator(".fields dt").first.inner_text() == "标题"
    snap(page, "record-zh-CN")
    choose_locale(page, "en")


def test_a_script_in_a_record_title_is_shown_as_text(page, site):
    base, _, _ = site
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, base, path="/app/o/opportunity?filter=stage%20%3D%20%22Won%22")
    assert page.locator("a.record-link").all_inner_texts() == [XSS_TITLE]
    page.click("a.record-link")
    assert page.locator("#record-title").inner_text() == XSS_TITLE
    assert dialogs == []


def test_every_page_carries_a_content_security_policy_without_inline_scripts(page, site):
    base, _, _ = site
    response = page.goto(base + "/app/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_list_and_record_pages_fit_a_phone_screen(page, site):
    base, _, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, path="/app/o/opportunity")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    snap(page, "phone-list", full_page=False)
    page.click(".nav-toggle")
    assert page.locator("#sidenav").is_visible()
    page.click("#sidenav >> text=Opportunities")
    page.locator("a.record-link").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    snap(page, "phone-record", full_page=False)
