"""List views, search and the lookup typeahead in a real browser: a rep searches her deals,
picks a shared view, saves her own as her default and deletes it, and picks an account for a
new opportunity with the keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import follow, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api

BIG_DEALS = {"kind": "list_view", "name": "big_deals", "object": "opportunity",
             "label": {"en": "Big deals", "zh-CN": "大单"}, "columns": ["title", "amount", "stage"],
             "filter": "amount > 20000", "sort": [{"field": "amount", "direction": "desc"}]}


@pytest.fixture(scope="module")
def admin(site):
    """An administrator's API client on the live server's app, with a shared view and accounts."""
    from tessera.runtime.identity.users import create_token, find_user

    _, app, _ = site
    with app.extensions["tessera"].write() as conn:
        api = Api(app.test_client(), create_token(conn, find_user(conn, "admin")["id"], "list-views"))
        rita = find_user(conn, "rita")["id"]
    assert api.post("/api/v1/metadata/list_view", json=BIG_DEALS).status_code == 201
    assert api.post("/api/v1/metadata/publish", json={}).status_code == 200
    for name in ("Acme Pumps", "Acme Valves", "Borealis Energy"):  # accounts are private: given to rita
        made = api.post("/api/v1/objects/account/records", json={"name": name}).get_json()
        assert api.post(f"/api/v1/objects/account/records/{made['id']}/transfer", json={"owner": rita}).status_code == 200
    return api


def test_a_rep_searches_her_deals_by_the_start_of_their_title(page, site, admin):
    base, _, _ = site
    log_in(page, base, path="/app/o/opportunity")
    page.fill("#q", "deal 0")
    page.press("#q", "Enter")
    expect(page.locator("#record-count")).to_have_text("9 records")
    expect(page.locator("a.record-link").first).to_have_text(re.compile(r"^Deal 0\d$"))
    snap(page, "list-search")


def test_a_rep_picks_a_shared_view_then_saves_and_deletes_her_own(page, site, admin):
    base, _, _ = site
    log_in(page, base, path="/app/o/opportunity")
    page.select_option("#view-picker", "big_deals")
    page.click(".view-picker button[type=submit]")
    expect(page.locator("#record-count")).to_have_text("9 records")
    expect(page.locator("th[aria-sort=descending]")).to_have_text(re.compile(r"^\s*Amount"))
    page.fill("#filter", "amount > 25000")
    page.press("#filter", "Enter")
    expect(page.locator("#record-count")).to_have_text("4 records")
    page.wait_for_load_state("load")  # the reloaded page's modules wire the button; a click before is lost
    page.click("#view-save-open")
    expect(page.locator("#view-label")).to_be_focused()
    page.keyboard.type("Top four")
    page.check("#view-default")
    snap(page, "list-save-view")
    page.click("#view-save-form button[type=submit]")
    page.wait_for_url(re.compile(r"view=\d+$"))
    expect(page.locator("#view-picker option:checked")).to_have_text("Top four (mine) · default")
    page.goto(base + "/app/o/opportunity")
    expect(page.locator("#record-count")).to_have_text("4 records")
    assert [h.strip() for h in page.locator("thead th").all_inner_texts()] == ["Title", "Amount ▼", "Stage"]
    snap(page, "list-my-view")
    assert serious_violations(page) == []
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#view-delete")
    page.wait_for_url(base + "/app/o/opportunity")
    expect(page.locator("#record-count")).to_have_text("30 records")
    expect(page.locator("#view-picker option")).to_have_count(2)


def test_a_rep_picks_an_account_for_a_new_deal_with_the_keyboard(page, site, admin):
    base, _, _ = site
    log_in(page, base, path="/app/o/opportunity/new")
    page.fill("#f-title", "Typeahead deal")
    page.focus("#f-account")
    page.keyboard.type("acme")
    options = page.locator("#f-account + [role=listbox] [role=option]")
    expect(options).to_have_count(2)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#f-account")).to_have_attribute("aria-activedescendant", re.compile("-opt-1$"))
    snap(page, "lookup-typeahead", full_page=False)
    assert serious_violations(page) == []
    page.keyboard.press("Enter")
    expect(page.locator("#f-account")).to_have_value("Acme Valves")
    expect(page.locator("#f-account")).to_have_attribute("aria-expanded", "false")
    page.click("#record-form button[type=submit]")
    page.wait_for_url(re.compile(r"/app/o/opportunity/\d+$"))
    expect(page.locator("main")).to_contain_text("Acme Valves")
    page.goto(page.url + "/edit")
    expect(page.locator("#f-account")).to_have_value("Acme Valves")


def test_the_list_page_with_a_view_fits_a_phone(page, site, admin):
    base, _, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, path="/app/o/opportunity?view=big_deals")
    expect(page.locator("#record-count")).to_have_text("9 records")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    snap(page, "list-view-phone")
    assert serious_violations(page) == []


def test_an_administrator_designs_a_shared_view_saved_as_a_draft(page, site, admin):
    base, _, _ = site
    log_in(page, base, username="ada", path="/app/design/list-views")
    expect(page.locator("#views-opportunity + .table-wrap")).to_contain_text("Big deals")
    page.select_option("#new-view-object", "opportunity")
    follow(page, "text=New list view", re.compile(r"/design/list-views/new\?object=opportunity$"))
    page.fill("#v-name", "closing_soon")
    page.fill("#v-label-en", "Closing soon")
    page.check("#col-close_date")
    page.click('[data-column="close_date"] button[data-move="-1"]')
    expect(page.locator('[data-column="close_date"] button[data-move="-1"]')).to_be_focused()
    page.fill("#v-filter", 'stage <> "Lost"')
    snap(page, "design-list-view-edit")
    assert serious_violations(page) == []
    page.click("#view-form button[type=submit]")
    page.wait_for_url(base + "/app/design/list-views")
    expect(page.locator("#views-opportunity + .table-wrap")).to_contain_text("Closing soon")
    snap(page, "design-list-views")
    body = admin.get("/api/v1/metadata/list_view/closing_soon").get_json()["body"]
    assert (body["columns"], body["filter"]) == (["title", "close_date"], 'stage <> "Lost"')
