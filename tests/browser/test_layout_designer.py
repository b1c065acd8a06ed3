"""The layout designer in a real browser: an administrator lays out the opportunity form by
drag and drop and with the keyboard, saves and publishes; a rep then gets that layout on the
record page and the form, with the required field's error next to it and the read-only
field shown as text.

One live server for the module (the example CRM of tests/browser/conftest.py).
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import follow, log_in, snap
from tests.browser.test_accessibility import serious_violations


def _item(page, zone, field):
    return page.locator(f"{zone} .layout-item[data-field={field}]")


def _create_layout(page, base):
    log_in(page, base, "ada", "/app/design/layouts")
    assert serious_violations(page) == []
    snap(page, "layout-list")
    page.select_option("#new-object", "opportunity")
    page.fill("#new-name", "opportunity_rep")
    page.click("#layout-create button[type=submit]")
    page.wait_for_url(base + "/app/design/layouts/opportunity_rep")


def _lay_out(page):
    page.click("#add-section")
    page.locator("#sections .design-section").nth(1).locator(".sec-label-en").fill("Plan")
    page.locator("#sections .section-drag").nth(1).drag_to(page.locator("#sections .section-drag").first)
    expect(page.locator("#layout-live")).to_have_text("Section Plan moved to position 1 of 2.")
    page.locator("#sections .design-section").first.locator(".sec-down").click()
    expect(page.locator("#layout-live")).to_have_text("Section Plan moved to position 2 of 2.")
    section = page.locator("#sections .design-section").first
    _item(page, "#palette", "title").drag_to(section.locator(".section-fields"))
    expect(_item(page, "#sections", "title")).to_be_visible()
    for field in ("amount", "stage"):
        _item(page, "#palette", field).locator(".item-handle").focus()
        page.keyboard.press("Alt+ArrowRight")
        expect(_item(page, "#sections", field)).to_be_visible()
    expect(page.locator("#layout-live")).to_have_text(re.compile(r"position 3 of 3"))
    page.keyboard.press("Alt+ArrowUp")  # stage above amount, with the keyboard
    expect(page.locator("#layout-live")).to_have_text(re.compile(r"position 2 of 3"))
    _item(page, "#palette", "discount").locator(".item-handle").focus()
    page.keyboard.press("Alt+ArrowRight")
    _item(page, "#sections", "discount").locator(".opt-visible-when").fill("amount >")
    _item(page, "#sections", "amount").locator(".opt-required").check()
    _item(page, "#sections", "stage").locator(".opt-read-only").check()
    page.check("#layout-sets input[value=sales_rep]")
    page.click("#add-related")
    page.select_option(".related-row .rel-source", "contract.opportunity")
    page.fill(".related-row .rel-columns", "value, signed_on")


def test_an_admin_lays_out_a_form_and_a_rep_gets_it(page, site, browser):
    base, _, _ = site
    _create_layout(page, base)
    _lay_out(page)
    preview = page.locator("#layout-preview")
    expect(preview.locator("dt")).to_have_text(["Title", "Stage", "Amount *", "Discount"])
    assert serious_violations(page) == []
    page.click("#layout-publish")
    discount = _item(page, "#sections", "discount")
    expect(discount.locator(".field-error")).to_be_visible()  # the formula's error, next to its field
    snap(page, "layout-designer")
    discount.locator(".opt-visible-when").fill("amount > 5000")
    page.click("#layout-publish")
    expect(page.locator("#layout-status")).to_have_text(re.compile(r"Published"))
    published = page.request.get(f"{base}/api/v1/metadata/layout/opportunity_rep?state=published").json()["body"]
    assert [f["field"] for f in published["sections"][0]["fields"]] == ["title", "stage", "amount", "discount"]
    assert published["related_lists"] == [{"object": "contract", "via": "opportunity", "columns": ["value", "signed_on"]}]
    assert published["assigned_to"] == {"roles": [], "permission_sets": ["sales_rep"]}

    rep = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
    log_in(rep, base, "rita", "/app/o/opportunity")
    rep.locator("table.records tbody a").first.click()
    expect(rep.locator(".layout-section .field-row:visible")).to_have_count(3)  # the discount hidden
    expect(rep.locator(".layout-section h2")).to_have_text(["Details"])  # the empty section left out
    expect(rep.locator(".field-row[data-field=products]")).to_have_count(0)
    snap(rep, "layout-record")
    follow(rep, "text=Edit", re.compile(r"/app/o/opportunity/\d+/edit$"))
    expect(rep.locator(".field[data-field=stage] .readonly")).to_be_visible()
    expect(rep.locator("#f-stage")).to_have_count(0)
    discount = rep.locator(".field[data-field=discount]")
    expect(discount).to_be_hidden()
    rep.fill("#f-amount", "6000")
    rep.locator("#f-title").focus()
    expect(discount).to_be_visible()  # visible_when evaluated again on the form's values
    rep.fill("#f-amount", "")
    rep.click("button[type=submit]")
    expect(rep.locator("#err-amount")).to_have_text(re.compile(r"required"))
    snap(rep, "layout-form-error")
    rep.set_viewport_size({"width": 390, "height": 844})
    snap(rep, "layout-form-390")
    rep.context.close()
