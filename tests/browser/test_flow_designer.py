"""The approval flow designer in a real browser, over the demo's discount flow: an
administrator adds a step with a role approver, moves it up with the keyboard, saves, sees
the publish check's error next to the step's criterion, fixes it, and the saved draft is the
document entered.

One live server for the module (its own database: `tessera demo`'s data). Screenshots go to
tests/browser/screenshots/.
"""

import json

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tessera.platform.demo import EXAMPLE, load_demo
from tests.browser.conftest import PASSWORD, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api
from tests.live_server import serving

FLOW = "discount_approval"
EDITOR = f"/app/design/flows/{FLOW}"
LEGAL = {"name": "legal", "label": {"en": "Legal review"}, "criteria": "discount > 0.5", "when_false": "skip",
         "approvers": [{"role": "finance"}]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, the administrator's API client) over the demo; the administrator signs in
    with PASSWORD."""
    from tessera.runtime import Context
    from tessera.runtime.identity.users import find_user, set_password

    url = f"sqlite:///{tmp_path_factory.mktemp('flows') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    admin = Api(app.test_client(), load_demo(runtime))
    with runtime.write() as conn:
        admin_id = find_user(conn, "admin")["id"]
        set_password(conn, Context(user_id=admin_id, username="admin", is_admin=True), admin_id, PASSWORD)
    with serving(app) as base:
        yield base, admin
    runtime.dispose()


def _step_names(page):
    return page.locator("#steps > .step-card [data-k=name]").evaluate_all("inputs => inputs.map(i => i.value)")


def test_the_flow_list_shows_each_flow_per_object_with_its_state(page, site):
    base, _ = site
    log_in(page, base, "admin", "/app/design/flows")
    row = page.locator(f"tr[data-flow={FLOW}]")
    expect(row).to_contain_text("Discount approval")
    expect(row).to_contain_text("Published")
    expect(page.locator("#nav-design-flows")).to_have_attribute("aria-current", "page")
    snap(page, "design-flows")
    assert serious_violations(page) == []


def test_a_new_flow_is_created_from_the_list_and_a_taken_name_is_refused_next_to_its_input(page, site):
    base, admin = site
    log_in(page, base, "admin", "/app/design/flows")
    page.fill("#new-flow-name", FLOW)
    page.click("#new-flow button[type=submit]")
    expect(page.locator("#new-flow-alert")).to_be_visible()
    page.fill("#new-flow-name", "contract_review")
    page.fill("#new-flow-label", "Contract review")
    page.select_option("#new-flow-object", "contract")
    page.click("#new-flow button[type=submit]")
    page.wait_for_url(base + "/app/design/flows/contract_review")
    expect(page.locator("h1")).to_have_text("Contract review")
    expect(page.locator("#flow-state")).to_have_text("Draft, never published")
    expect(page.locator("#flow-versions")).to_contain_text("Not published yet")
    draft = admin.get("/api/v1/metadata/approval_flow/contract_review").get_json()["body"]
    assert (draft["object"], draft["steps"][0]["approvers"]) == ("contract", [{"manager": {"of": "submitter",
                                                                                            "levels": 1}}])
    page.goto(base + "/app/design/flows")
    expect(page.locator("tr[data-flow=contract_review]")).to_contain_text("Draft, never published")


def test_an_admin_adds_a_role_step_moves_it_up_fixes_its_criterion_and_saves_the_draft(page, site):
    base, admin = site
    log_in(page, base, "admin", EDITOR)
    expect(page.locator("#flow-versions tr[data-version='1'] [data-count=pending]")).to_have_text("1")
    assert serious_violations(page) == []

    page.click("#add-step")
    card = page.locator("#steps > .step-card").nth(2)
    name = card.locator("[data-k=name]")
    expect(name).to_be_focused()
    name.fill("legal")
    card.locator("[data-k='label.en']").fill("Legal review")
    role = card.locator(".approver [data-k=role]")
    expect(role.locator("option[value=finance]")).to_be_attached()
    role.select_option("finance")
    card.locator("[data-k=criteria]").fill("discount >> 0.5")
    name.focus()
    page.keyboard.press("Alt+ArrowUp")
    assert _step_names(page) == ["manager", "legal", "director_and_finance"]
    expect(page.locator("#flow-saved")).to_contain_text("position 2")

    page.click("#save-flow")
    moved = page.locator("#steps > .step-card").nth(1)
    criteria = moved.locator("[data-k=criteria]")
    expect(criteria).to_have_attribute("aria-invalid", "true")
    error = page.locator("#" + criteria.get_attribute("aria-describedby"))
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#flow-alert")).to_contain_text("publishing would refuse it")
    snap(page, "design-flow-criterion-error")

    criteria.fill("discount > 0.5")
    page.click("#save-flow")
    expect(page.locator("#flow-saved")).to_contain_text("Draft saved")
    expect(page.locator("#flow-saved a")).to_have_attribute("href", "/app/design/changes")
    expect(page.locator("#flow-alert")).to_be_hidden()
    expect(page.locator(".flow-error")).to_have_count(0)
    snap(page, "design-flow-saved")

    entered = json.loads((EXAMPLE / "metadata" / f"{FLOW}.json").read_text("utf-8"))
    entered["steps"].insert(1, LEGAL)
    draft = admin.get(f"/api/v1/metadata/approval_flow/{FLOW}").get_json()["body"]
    assert draft == entered


def test_a_step_name_used_twice_is_refused_by_the_api_next_to_the_second_name(page, site):
    base, admin = site
    before = admin.get(f"/api/v1/metadata/approval_flow/{FLOW}").get_json()["version"]
    log_in(page, base, "admin", EDITOR)
    second = page.locator("#steps > .step-card").nth(1).locator("[data-k=name]")
    second.fill("manager")
    page.click("#save-flow")
    expect(second).to_have_attribute("aria-invalid", "true")
    expect(second).to_be_focused()
    expect(page.locator("#" + second.get_attribute("aria-describedby"))).to_contain_text("manager")
    assert admin.get(f"/api/v1/metadata/approval_flow/{FLOW}").get_json()["version"] == before
