"""Users, access, tokens and integrations in a real browser: an administrator adds a role and
a user holding it, hides a field in a permission set's matrix, creates a token (its secret
shown once) and revokes it, and retries a webhook delivery that died.

One live server for the module, over the example CRM, allowed to call 127.0.0.1 with one
attempt per delivery (so a refused connection is dead at once). Screenshots go to
tests/browser/screenshots/people-*.png.
"""

import pytest
from playwright.sync_api import expect

from tessera.platform import create_app
from tests.browser.conftest import _add_people, _publish_example, log_in, snap
from tests.browser.test_accessibility import serious_violations
from tests.conftest import Api
from tests.live_server import serving

SETTINGS = {"WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "EVENT_MAX_ATTEMPTS": 1, "EVENT_RETRY_SECONDS": 30}
WEBHOOK = {"kind": "webhook", "name": "erp", "object": "opportunity", "events": ["record.created"],
           "url": "http://127.0.0.1:9/hook", "secret": "whsec-0123456789abcdef"}


def shot(page, name):
    """A full-page screenshot from the top (a reload keeps the scroll, which puts the sticky bar mid-page)."""
    page.mouse.wheel(0, -100_000)
    snap(page, name)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, the administrator's API client, the runtime) with a dead webhook delivery."""
    from tessera.runtime.identity.users import create_token, create_user

    url = f"sqlite:///{tmp_path_factory.mktemp('people') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True, **SETTINGS})
    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        admin = Api(app.test_client(), create_token(conn, create_user(conn, "admin", is_admin=True)))
    _publish_example(admin)
    _add_people(admin)
    assert admin.put("/api/v1/metadata/webhook/erp", json=WEBHOOK).status_code in (200, 201)
    assert admin.post("/api/v1/metadata/publish", json={}).status_code == 200
    assert admin.post("/api/v1/objects/opportunity/records", json={"title": "Crane"}).status_code == 201
    runtime.events.dispatch()
    with serving(app) as base:
        yield base, admin, runtime
    runtime.dispose()


def test_an_admin_adds_a_role_and_a_user_holding_it(page, site):
    base, admin, _ = site
    log_in(page, base, "ada", "/app/design/people/roles")
    page.fill("#in-name", "field sales")
    page.click("#unit-form button[type=submit]")
    expect(page.locator("#err-name")).to_be_visible()
    shot(page, "people-role-error")
    page.fill("#in-name", "field_sales")
    page.fill("#in-label-en", "Field sales")
    page.click("#unit-form button[type=submit]")
    expect(page.locator("#unit-tree li[data-unit=field_sales]")).to_contain_text("Field sales")
    page.goto(base + "/app/design/people/users/new")
    page.fill("#in-username", "nina")
    page.fill("#in-display_name", "Nina Field")
    page.fill("#in-password", "correct horse battery")
    page.check("input[data-key=roles][value=field_sales]")
    page.check("input[data-key=permission_sets][value=sales_rep]")
    shot(page, "people-new-user")
    page.click("#user-form button[type=submit]")
    expect(page.locator("#user-heading")).to_contain_text("nina")
    expect(page.locator("input[data-key=roles][value=field_sales]")).to_be_checked()
    nina = next(u for u in admin.get("/api/v1/users").get_json()["items"] if u["username"] == "nina")
    assert nina["roles"] == ["field_sales"] and nina["permission_sets"] == ["sales_rep"]
    page.fill("#in-manager", "999999")
    page.click("#user-form button[type=submit]")
    expect(page.locator("#err-manager")).to_contain_text("999999")
    expect(page.locator("#in-manager")).to_be_focused()
    shot(page, "people-user-error")
    page.fill("#in-manager", "")
    page.fill("#in-display_name", "Nina Feld")
    with page.expect_navigation():  # a saved form reloads its page; going elsewhere first would race it
        page.click("#user-form button[type=submit]")
    expect(page.locator("#err-manager")).to_be_hidden()
    expect(page.locator("#in-display_name")).to_have_value("Nina Feld")
    page.goto(base + "/app/design/people")
    expect(page.locator("tr[data-user=nina]")).to_contain_text("field_sales")
    shot(page, "people-users")
    assert serious_violations(page) == []
    page.goto(base + "/app/design/people/roles/field_sales")
    expect(page.locator("#members")).to_contain_text("Nina Feld")
    shot(page, "people-role")
    assert serious_violations(page) == []


def test_an_admin_hides_a_field_in_a_permission_set(page, site):
    base, admin, _ = site
    log_in(page, base, "ada", "/app/design/people/permission-sets/sales_rep")
    opportunity = page.locator("tbody[data-object=opportunity]")
    amount = opportunity.locator("tr[data-field-name=amount]")
    expect(amount.locator(".fls-edit")).to_be_checked()
    amount.locator(".fls-read").uncheck()
    expect(amount.locator(".fls-edit")).not_to_be_checked()
    page.click("#save-set")
    page.wait_for_load_state("load")
    expect(page.locator("tbody[data-object=opportunity] tr[data-field-name=amount] .fls-read")).not_to_be_checked()
    shot(page, "people-permission-set")
    assert serious_violations(page) == []
    draft = admin.get("/api/v1/metadata/permission_set/sales_rep").get_json()["body"]
    fields = draft["objects"]["opportunity"]["fields"]
    assert fields["amount"] == {"read": False, "edit": False} and fields["margin"] == {"read": False, "edit": False}
    assert draft["objects"]["opportunity"].get("create") is True


def test_a_rep_creates_a_token_sees_its_secret_once_and_revokes_it(page, site):
    base, _, _ = site
    log_in(page, base, "rita", "/app/tokens")
    page.fill("#in-name", "Spreadsheet sync")
    page.click("#token-form button[type=submit]")
    secret = page.locator("#token-secret")
    expect(secret).not_to_be_empty()
    page.click("#copy-token")
    expect(page.locator("#copy-status")).not_to_be_empty()
    shot(page, "people-token-issued")
    shown = secret.inner_text()
    page.click("#token-done")
    row = page.locator("#token-table tbody tr").first
    expect(row).to_contain_text("Spreadsheet sync")
    assert shown not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".revoke-token").click()
    expect(page.locator("#token-table tbody tr.revoked")).to_contain_text("Revoked")
    shot(page, "people-tokens")
    assert serious_violations(page) == []


def test_an_admin_sees_a_dead_webhook_delivery_and_retries_it(page, site):
    base, _, _ = site
    log_in(page, base, "ada", "/app/design/integrations")
    expect(page.locator("table.dead-events")).to_contain_text("webhook:erp")
    shot(page, "people-integrations")
    page.click("#webhook-table a:text('erp')")
    dead = page.locator("#open-deliveries tr.delivery-dead")
    expect(dead).to_contain_text("Dead")
    expect(page.locator("#attempt-log")).to_contain_text("Failed")
    shot(page, "people-webhook-dead")
    assert serious_violations(page) == []
    dead.locator(".retry-event").click()
    expect(page.locator("#open-deliveries tr.delivery-pending")).to_contain_text("Waiting for a retry")
    shot(page, "people-webhook-retried")


def test_the_tokens_page_works_at_phone_width(page, site):
    base, _, _ = site
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "rita", "/app/tokens")
    expect(page.locator("#token-form")).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "people-tokens-phone")


def test_an_admin_saves_webhook_and_endpoint_drafts_with_errors_next_to_their_fields(page, site):
    base, admin, _ = site
    log_in(page, base, "ada", "/app/design/integrations/webhooks/new")
    page.fill("#in-name", "crm_sync")
    page.select_option("#in-object", "opportunity")
    page.fill("#in-url", "http://127.0.0.1:9/crm")
    page.check("input[data-key=events][value='record.deleted']")
    page.fill("#in-more-events", "record.transferred")
    page.click("#webhook-form button[type=submit]")
    expect(page.locator("#err-secret")).to_contain_text("secret")
    shot(page, "people-webhook-error")
    page.fill("#in-secret", "whsec-abcdefghijklmnop")
    page.click("#webhook-form button[type=submit]")
    page.wait_for_url(base + "/app/design/integrations/webhooks/crm_sync")
    body = admin.get("/api/v1/metadata/webhook/crm_sync").get_json()["body"]
    assert body["events"] == ["record.created", "record.updated", "record.deleted", "record.transferred"]
    assert "secret" not in body and "filter" not in body
    page.goto(base + "/app/design/integrations/inbound/new")
    page.fill("#in-name", "web_accounts")
    page.select_option("#in-object", "account")
    page.fill("#in-external_id", "name")
    page.fill("#in-mapping", '{"name": "/company",}')
    page.click("#endpoint-form button[type=submit]")
    expect(page.locator("#err-mapping")).to_have_text("This is not valid JSON.")
    page.fill("#in-mapping", '{"name": "/company"}')
    page.click("#endpoint-form button[type=submit]")
    page.wait_for_url(base + "/app/design/integrations/inbound/web_accounts")
    expect(page.locator("#in-mapping")).to_contain_text('"/company"')
    shot(page, "people-inbound-draft")
    assert serious_violations(page) == []
