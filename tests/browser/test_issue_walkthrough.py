"""The web UI issue's walk-through, end to end in a real browser, on an empty Tessera.

An administrator logs in, creates the object Deal with three fields (name, amount, stage), adds
the formula field ``net`` typed with a typo and sees the typo underlined at its column, fixes it,
adds a validation rule, reads the plan and publishes, then lays out the deal form by drag and
drop. A rep logs in, creates a deal, sees the rule's error next to the amount, saves, submits the
deal for approval; the manager approves it from the inbox (the flow's final approval sets the
stage to "Approved"); the rep's dashboard shows the KPI grown by the deal; the locale switch
shows the Deal's 简体中文 labels.

Every step the issue names goes through the pages. The setup it does not name goes through the
REST API with the administrator's token, after the Deal is published (``_sales_setup``): the
permission set ``deal_rep`` on the new object, the rep (Rosa) and her manager (Mark), the
approval flow ``deal_approval``, the KPI ``deal_revenue`` (SUM(amount) of approved deals,
credited to the owner), the scheme ``deal_plan`` measuring Rosa, and her target.

One live server for the module, over its own empty database. Screenshots of every main page go
to tests/browser/screenshots/issue-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tessera.platform.demo_performance import current_quarter
from tests.browser.conftest import PASSWORD, choose_locale, follow, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api
from tests.live_server import serving

TYPO = "amount - amout * 0.1"
TYPO_COLUMN = 10  # where "amout" starts, counted from 1 as the checker counts
FIXED = "amount * 0.9"
DEAL = "Harbour cranes"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, app, the administrator's API client) of a live server over an empty Tessera
    where ``ada`` is an administrator with a password."""
    from tessera.runtime.identity.users import create_token, create_user

    url = f"sqlite:///{tmp_path_factory.mktemp('issue') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        admin = Api(app.test_client(), create_token(conn, create_user(conn, "admin", is_admin=True)))
    created = admin.post("/api/v1/users", json={"username": "ada", "password": PASSWORD, "is_admin": True})
    assert created.status_code == 201, created.get_json()
    with serving(app) as base:
        yield base, app, admin
    runtime.dispose()


def _ok(response, *statuses):
    assert response.status_code in (statuses or (200, 201)), response.get_json()
    return response.get_json()


# -- the administrator, in the designer -------------------------------------------------------

def _new_field(page, name, label_en, label_zh, type_name):
    follow(page, "#add-field", "**/fields/new")
    page.fill("#field-name", name)
    page.fill("#field-label-en", label_en)
    page.fill("#field-label-zh-CN", label_zh)
    page.check(f"input[name=type][value={type_name}]")
    panel = page.locator(f'[data-type-panel="{type_name}"]')
    expect(panel).to_be_visible()
    return panel


def _save_field(page, name):
    page.click("#save-field")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator(f'tr[data-field="{name}"]')).to_be_visible()


def _stages(panel):
    panel.locator(".opt-value").first.fill("Open")
    panel.locator(".opt-label[data-locale=en]").first.fill("Open")
    panel.locator(".add-option").click()
    panel.locator(".opt-value").nth(1).fill("Approved")
    panel.locator(".opt-label[data-locale=en]").nth(1).fill("Approved")
    panel.locator(".opt-colour").nth(1).select_option("green")


def _creates_the_deal_object(page, base):
    log_in(page, base, "ada", "/app/design/objects")
    snap(page, "issue-design-objects")
    assert serious_violations(page) == []
    page.fill("#obj-name", "deal")
    page.fill("#obj-label-en", "Deal")
    page.fill("#obj-label-zh", "交易")
    page.fill("#obj-plural-en", "Deals")
    page.fill("#obj-plural-zh", "交易")
    page.click("#new-object button[type=submit]")
    page.wait_for_url(base + "/app/design/objects/deal")
    _new_field(page, "amount", "Amount", "金额", "currency").locator('[data-prop="scale"]').fill("2")
    page.check("#flag-required")
    _save_field(page, "amount")
    _stages(_new_field(page, "stage", "Stage", "阶段", "picklist"))
    _save_field(page, "stage")
    expect(page.locator("tr[data-field]")).to_have_count(3)  # name, the title, came with the object


def _assert_underlined_at_its_column(area, mark):
    """The mark sits over the typo's characters in the (monospaced) textarea, not just anywhere."""
    box, at = mark.bounding_box(), area.bounding_box()
    padding = float(area.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)")) + 1  # and the 1px border
    char = box["width"] / len("amout")
    assert abs(box["x"] - at["x"] - padding - (TYPO_COLUMN - 1) * char) < 1.5


def _adds_a_formula_with_a_typo_then_fixes_it(page):
    panel = _new_field(page, "net", "Net", "净额", "formula")
    panel.locator('[data-prop="returns"]').select_option("number")
    expression = panel.locator('.formula-editor [data-prop="expression"]')
    expect(expression).to_be_attached()  # the formula editor has wrapped it
    expression.click()
    page.keyboard.type(TYPO)
    mark = panel.locator(".formula-error-mark")
    expect(mark).to_have_text("amout")
    expect(mark).to_have_attribute("data-column", str(TYPO_COLUMN))
    expect(panel.locator(".formula-status")).to_contain_text(f"Line 1, column {TYPO_COLUMN}")
    _assert_underlined_at_its_column(expression, mark)
    expression.scroll_into_view_if_needed()
    snap(page, "issue-formula-typo", full_page=False)
    page.keyboard.press("Control+A")
    page.keyboard.type(FIXED)
    expect(panel.locator(".formula-status")).to_have_text(re.compile(r"^Valid\."))
    expect(mark).to_have_count(0)
    _save_field(page, "net")
    expect(page.locator('tr[data-field="net"]')).to_contain_text("Formula → Number")


def _adds_a_validation_rule(page):
    page.fill("#rule-0-name", "amount_positive")
    page.select_option("#rule-0-field", "amount")
    page.fill("#rule-0-when", "amount <= 0")
    page.fill("#rule-0-msg-en", "The amount must be above zero")
    page.fill("#rule-0-msg-zh-CN", "金额必须大于零")
    page.click("form.rule-form button[type=submit]")
    expect(page.locator("details.rule summary").first).to_contain_text("amount_positive")
    snap(page, "issue-design-object")
    assert serious_violations(page) == []


def _reads_the_plan_and_publishes(page, base):
    page.goto(base + "/app/design/changes")
    expect(page.locator("#plan-steps")).to_contain_text("Adds the object Deal (a new table)")
    snap(page, "issue-design-changes")
    assert serious_violations(page) == []
    page.click("#publish")
    page.wait_for_url("**/app/design/changes?published=*")
    expect(page.locator("#published-notice")).to_be_visible()
    expect(page.locator("#nav-objects")).to_contain_text("Deals")


def _lays_out_the_form(page, base):
    page.goto(base + "/app/design/layouts")
    snap(page, "issue-layouts")
    page.select_option("#new-object", "deal")
    page.fill("#new-name", "deal_form")
    page.click("#layout-create button[type=submit]")
    page.wait_for_url(base + "/app/design/layouts/deal_form")
    # Palette and both sections on one screen: a drag must not start under the sticky top bar.
    page.set_viewport_size({"width": 1280, "height": 1600})
    page.click("#add-section")
    sections = page.locator("#sections .design-section")
    sections.nth(1).locator(".sec-label-en").fill("Money")
    sections.nth(1).locator(".sec-label-zh").fill("金额信息")
    for field, section in (("name", 0), ("stage", 0), ("amount", 1)):
        handle = page.locator(f"#palette .layout-item[data-field={field}] .item-handle")
        handle.drag_to(sections.nth(section).locator(".section-fields"))
        expect(sections.nth(section).locator(f".layout-item[data-field={field}]")).to_be_visible()
    page.check("#layout-default")
    expect(page.locator("#layout-preview dt")).to_have_text(["Name", "Stage", "Amount"])
    snap(page, "issue-layout-designer")
    assert serious_violations(page) == []
    page.click("#layout-publish")
    expect(page.locator("#layout-status")).to_have_text(re.compile(r"Published"))
    page.set_viewport_size({"width": 1280, "height": 860})


# -- the setup the issue does not name, through the REST API ------------------------------------

def _sales_setup(admin, app):
    """Publish the rep's rights, the flow, the KPI and the scheme; create Rosa and Mark; set
    Rosa's target for this quarter. Returns Rosa's user id."""
    _ok(admin.post("/api/v1/metadata/permission_set", json={
        "kind": "permission_set", "name": "deal_rep", "label": {"en": "Deal rep", "zh-CN": "交易代表"},
        "objects": {"deal": {"create": True, "read": True, "edit": True}}}))
    _ok(admin.post("/api/v1/metadata/publish", json={}), 200)
    mark = _ok(admin.post("/api/v1/users", json={"username": "mark", "password": PASSWORD, "display_name": "Mark Manager",
                                                  "permission_sets": ["deal_rep"]}), 201)
    rosa = _ok(admin.post("/api/v1/users", json={"username": "rosa", "password": PASSWORD, "display_name": "Rosa Rep",
                                                  "permission_sets": ["deal_rep"], "manager": mark["id"]}), 201)
    for doc in _sales_documents(rosa["id"]):
        _ok(admin.post(f"/api/v1/metadata/{doc['kind']}", json=doc))
    _ok(admin.post("/api/v1/metadata/publish", json={}), 200)
    period, _ = current_quarter(app.extensions["tessera"])
    _ok(admin.post("/api/v1/targets", json={"kpi": "deal_revenue", "user": rosa["id"], "period": period.id,
                                            "value": "20000"}), 201)
    return rosa["id"]


def _sales_documents(rep_id):
    return [
        {"kind": "approval_flow", "name": "deal_approval", "object": "deal",
         "label": {"en": "Deal approval", "zh-CN": "交易审批"}, "entry_criteria": "stage = \"Open\"",
         "submitters": ["owner"], "lock": "while_pending",
         "steps": [{"name": "manager", "label": {"en": "Owner's manager", "zh-CN": "负责人的经理"},
                    "approvers": [{"manager": {"of": "owner", "levels": 1}}]}],
         "actions": {"final_approval": [{"field_update": {"field": "stage", "value": "\"Approved\""}}]}},
        {"kind": "kpi", "name": "deal_revenue", "label": {"en": "Deal revenue", "zh-CN": "交易额"},
         "object": "deal", "measure": "SUM(amount)", "filter": "stage = \"Approved\"", "date_field": "created_at",
         "credit": {"user_field": "owner"}, "direction": "higher", "category": "result", "unit": "currency",
         "scale": 2},
        {"kind": "kpi_scheme", "name": "deal_plan", "label": {"en": "Deal plan", "zh-CN": "交易考核"},
         "period_type": "quarter", "effective_from": "2024-01-01", "applies_to": {"users": [rep_id]},
         "leaderboard": "all", "items": [{"kpi": "deal_revenue", "weight": 1}]},
    ]


# -- the rep and the manager, in the app -------------------------------------------------------

def _actual(page):
    return page.locator("tr[data-kpi=deal_revenue] a.explain-link")


def _decide(page, button, comment):
    button.click()
    expect(page.locator("#approval-dialog")).to_be_visible()
    page.fill("#approval-comment", comment)
    page.click("#approval-confirm")


def _creates_a_deal_after_the_validation_error(page, base):
    page.goto(base + "/app/o/deal/new")
    expect(page.locator("fieldset.layout-section legend")).to_have_text(["Details", "Money"])  # the layout laid out
    page.fill("#f-name", DEAL)
    page.fill("#f-amount", "-5")
    page.select_option("#f-stage", "Open")
    page.click("button[type=submit]")
    expect(page.locator("#err-amount")).to_have_text("The amount must be above zero")
    expect(page.locator(".field[data-field=amount]")).to_have_class(re.compile(r"\binvalid\b"))
    snap(page, "issue-form-error")
    page.fill("#f-amount", "5000")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/app/o/deal/\d+$"))
    expect(page.locator("#record-title")).to_have_text(DEAL)
    return page.url


def _the_manager_approves_from_the_inbox(browser, base):
    manager = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB").new_page()
    log_in(manager, base, "mark", "/app/approvals")
    item = manager.locator(".inbox-item", has_text=DEAL)
    expect(item).to_contain_text("Rosa Rep")
    snap(manager, "issue-inbox")
    assert serious_violations(manager) == []
    _decide(manager, item.locator("[data-approval=approve]"), "Good deal.")
    expect(manager.locator("#inbox-done")).to_be_visible()
    expect(manager.locator(".inbox-item", has_text=DEAL)).to_have_count(0)
    manager.context.close()


def test_the_walk_through_of_the_web_ui_issue(page, site, browser):
    base, app, admin = site
    _creates_the_deal_object(page, base)
    _adds_a_formula_with_a_typo_then_fixes_it(page)
    _adds_a_validation_rule(page)
    _reads_the_plan_and_publishes(page, base)
    _sales_setup(admin, app)
    _lays_out_the_form(page, base)

    page.context.clear_cookies()
    log_in(page, base, "rosa", "/app/performance")
    expect(_actual(page)).to_have_text("0.00")
    snap(page, "issue-performance-before")
    record_url = _creates_a_deal_after_the_validation_error(page, base)
    _decide(page, page.locator("[data-approval=submit]"), "Signs this week.")
    expect(page.locator("#approval-status")).to_have_text("Pending")
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)  # locked while it waits
    snap(page, "issue-record-pending")

    _the_manager_approves_from_the_inbox(browser, base)

    page.goto(record_url)
    expect(page.locator("#approval-status")).to_have_text("Approved")
    expect(page.locator(".field-row[data-field=stage] dd")).to_have_text("Approved")
    expect(page.locator("[data-approval=submit]")).to_have_count(0)  # the flow takes open deals only
    snap(page, "issue-record-approved")
    assert serious_violations(page) == []
    page.goto(base + "/app/performance")
    expect(_actual(page)).to_have_text("5,000.00")
    expect(page.locator("tr[data-kpi=deal_revenue]")).to_contain_text("25.0 %")  # of the 20,000.00 target
    expect(page.locator("main")).to_contain_text("Deal plan · v1")
    snap(page, "issue-performance")
    assert serious_violations(page) == []
    _actual(page).click()
    expect(page.locator("table.explain")).to_contain_text(DEAL)
    expect(page.locator("table.explain tbody td").first).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"))
    snap(page, "issue-performance-explain")
    page.go_back()

    choose_locale(page, "zh-CN")
    expect(page.locator("tr[data-kpi=deal_revenue]")).to_contain_text("交易额")
    page.goto(base + "/app/o/deal")
    expect(page.locator("h1")).to_have_text("交易")
    expect(page.locator("a.record-link")).to_have_text([DEAL])
    expect(page.locator("table.records tbody td.num")).to_have_text(["5,000.00", "4,500"])  # amount, net
    expect(page.locator("table.records th")).to_contain_text(["名称", "金额", "阶段"])
    snap(page, "issue-list-zh-CN")
