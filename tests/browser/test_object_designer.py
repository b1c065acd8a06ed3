"""The objects designer and the changes page in a real browser: an administrator creates an object
with three fields, adds a formula field, reads the plan in words and publishes; the object then
appears in the app's navigation. Then a lossy change needs its confirmation before Publish works.

The module's live server is the example CRM of tests/browser/conftest.py (``ada`` is an
administrator). Screenshots go to tests/browser/screenshots/.
"""

from playwright.sync_api import expect

from tests.browser.conftest import follow, log_in, snap
from tests.browser.test_accessibility import serious_violations


def _add_field(page, name, label, type_name, fill=None):
    follow(page, "#add-field", "**/fields/new")
    page.fill("#field-name", name)
    page.fill("#field-label-en", label)
    page.check(f"input[name=type][value={type_name}]")
    expect(page.locator(f'[data-type-panel="{type_name}"]')).to_be_visible()
    if fill:
        fill(page.locator(f'[data-type-panel="{type_name}"]'))
    page.click("#save-field")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator(f'tr[data-field="{name}"]')).to_be_visible()


def _phases(panel):
    panel.locator(".opt-value").first.fill("planned")
    panel.locator(".opt-label[data-locale=en]").first.fill("Planned")
    panel.locator(".add-option").click()
    panel.locator(".opt-value").nth(1).fill("running")
    panel.locator(".opt-colour").nth(1).select_option("green")


def _formula(panel):
    panel.locator('[data-prop="returns"]').select_option("number")
    panel.locator('[data-prop="expression"]').fill("budget / 1000")


def _a_bad_scale_is_shown_next_to_its_input(page):
    follow(page, "#add-field", "**/fields/new")
    page.fill("#field-name", "budget")
    page.check("input[name=type][value=currency]")
    page.fill("#p-currency-precision", "2")
    page.fill("#p-currency-scale", "4")
    page.click("#save-field")
    scale = page.locator('[data-type-panel="currency"] [data-path="scale"]')
    expect(scale.locator(".field-error")).to_be_visible()
    expect(page.locator("#p-currency-scale")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#p-currency-scale")).to_be_focused()
    snap(page, "design-field-error", full_page=False)
    page.go_back()


def test_an_admin_creates_an_object_adds_fields_reads_the_plan_and_publishes(page, site):
    base, _, _ = site
    log_in(page, base, "ada", "/app/design/objects")
    snap(page, "design-objects")
    assert serious_violations(page) == []
    page.fill("#obj-name", "project")
    page.fill("#obj-label-en", "Project")
    page.fill("#obj-label-zh", "项目")
    page.fill("#obj-plural-en", "Projects")
    page.click("#new-object button[type=submit]")
    page.wait_for_url(base + "/app/design/objects/project")
    _a_bad_scale_is_shown_next_to_its_input(page)
    _add_field(page, "budget", "Budget", "currency", lambda panel: panel.locator('[data-prop="scale"]').fill("2"))
    _add_field(page, "kickoff", "Kick-off", "date")
    follow(page, "#add-field", "**/fields/new")
    page.check("input[name=type][value=picklist]")
    expect(page.locator('[data-type-panel="picklist"]')).to_be_visible()
    _phases(page.locator('[data-type-panel="picklist"]'))
    page.locator("h1").scroll_into_view_if_needed()
    snap(page, "design-field-picklist")
    assert serious_violations(page) == []
    page.go_back()
    _add_field(page, "phase", "Phase", "picklist", _phases)
    _add_field(page, "budget_k", "Budget (thousands)", "formula", _formula)
    expect(page.locator("tr[data-field]")).to_have_count(5)
    expect(page.locator('tr[data-field="budget_k"]')).to_contain_text("Formula → Number")
    snap(page, "design-object")
    assert serious_violations(page) == []

    page.click('button.move[data-move="-1"][data-field="phase"]')
    expect(page.locator("tr[data-field]").nth(2)).to_have_attribute("data-field", "phase")
    expect(page.locator('button.move[data-move="-1"][data-field="phase"]')).to_be_focused()

    page.fill("#rule-0-name", "Bad name")
    page.fill("#rule-0-when", "budget > 1000000")
    page.fill("#rule-0-msg-en", "Budget above one million needs a board decision")
    page.click("form.rule-form button[type=submit]")
    expect(page.locator('form.rule-form [data-path="name"] .field-error')).to_be_visible()
    page.fill("#rule-0-name", "budget_cap")
    page.click("form.rule-form button[type=submit]")
    expect(page.locator("details.rule summary").first).to_contain_text("budget_cap")

    page.goto(base + "/app/design/changes")
    expect(page.locator("#plan-steps")).to_contain_text("Adds the object Project (a new table)")
    expect(page.locator('[data-draft="object/project"]')).to_contain_text("changed by ada")
    snap(page, "design-changes")
    assert serious_violations(page) == []
    page.click("#publish")
    page.wait_for_url("**/app/design/changes?published=*")
    expect(page.locator("#published-notice")).to_be_visible()
    expect(page.locator("#nothing-to-publish")).to_be_visible()
    expect(page.locator("#nav-objects")).to_contain_text("Projects")
    page.click("#nav-objects >> text=Projects")
    page.wait_for_url(base + "/app/o/project")


def test_a_lossy_change_is_published_only_once_confirmed_and_a_long_one_runs_as_a_job(page, site):
    base, app, rep = site
    app.config["PUBLISH_JOB_ROWS"] = 1  # this publish changes one record: a job
    log_in(page, base, "ada", "/app/design/objects/opportunity")
    dialog_texts = []
    page.on("dialog", lambda dialog: (dialog_texts.append(dialog.message), dialog.accept()))
    page.click('button.remove-field[data-field="next_step"]')
    expect(page.locator('tr[data-field="next_step"]')).to_have_count(0)
    assert "loses its value" in dialog_texts[0]
    assert rep.patch("/api/v1/objects/opportunity/records/1", json={"next_step": "Call back"}).status_code == 200
    page.goto(base + "/app/design/changes")
    expect(page.locator("#plan-steps .lossy")).to_contain_text("1 record loses its value of “Next step”")
    expect(page.locator("#publish")).to_be_disabled()
    page.check("#confirm-loss")
    expect(page.locator("#publish")).to_be_enabled()
    page.click('[data-draft="object/opportunity"] details.diff summary')
    expect(page.locator('[data-draft="object/opportunity"] .diff-table')).to_contain_text("Field “Next step”")
    snap(page, "design-changes-lossy")
    with page.expect_response(lambda response: "/api/v1/jobs/" in response.url) as polled:
        page.click("#publish")
    assert polled.value.ok
    page.wait_for_url("**/app/design/changes?published=*")
    expect(page.locator("#revisions tbody tr").first).to_contain_text("ada")
    expect(page.locator("#published-notice")).to_be_visible()


def test_the_object_page_is_usable_on_a_phone(page, site):
    base, _, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "ada", "/app/design/objects/account")
    expect(page.locator('button.move[data-field="name"][data-move="1"]')).to_be_visible()
    snap(page, "design-object-phone")
    assert serious_violations(page) == []
