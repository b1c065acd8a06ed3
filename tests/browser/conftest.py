"""A live Tessera with the example CRM, and a headless Chromium driven by Playwright.

One server and one browser serve the whole module of browser tests; each test gets a
fresh browser context (no cookies). Without Chromium the tests are skipped, except when
TESSERA_REQUIRE_SERVICES=1 (as CI sets): then they fail, so a CI run cannot pass without them.
"""

import json
import os
from pathlib import Path

import pytest

from tessera.platform import create_app
from tessera.platform.demo import EXAMPLE
from tests.conftest import REQUIRE_SERVICES, Api
from tests.browser import settled
from tests.live_server import serving

CHROMIUM = os.environ.get("TESSERA_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "correct horse battery"
#: Opportunities of the rep, more than one list page (25) holds.
DEAL_COUNT = 30
XSS_TITLE = "<script>alert(1)</script>"
SALES_REP = {
    "kind": "permission_set", "name": "sales_rep",
    "objects": {
        "opportunity": {"create": True, "read": True, "edit": True, "delete": True,
                        "fields": {"margin": {"read": False}}},
        "account": {"read": True},
    },
}


def _unavailable(reason):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}; browser tests cannot run (install it: apt-get install -y chromium)")
    pytest.skip(reason)


def _publish_example(api):
    for path in sorted((EXAMPLE / "metadata").glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))
        assert api.post(f"/api/v1/metadata/{doc['kind']}", json=doc).status_code in (200, 201)
    assert api.post("/api/v1/metadata/permission_set", json=SALES_REP).status_code in (200, 201)
    response = api.post("/api/v1/metadata/publish", json={})
    assert response.status_code == 200, response.get_json()


def _add_people(api):
    for username, body in (("ada", {"is_admin": True}), ("rita", {"permission_sets": ["sales_rep"],
                                                                   "display_name": "Rita Rep"})):
        response = api.post("/api/v1/users", json={"username": username, "password": PASSWORD, **body})
        assert response.status_code == 201, response.get_json()


def _rep_deals(app):
    from tessera.runtime.identity.users import create_token, find_user

    runtime = app.extensions["tessera"]
    with runtime.write() as conn:
        token = create_token(conn, find_user(conn, "rita")["id"], "browser-tests")
    rep = Api(app.test_client(), token)
    deals = [{"title": f"Deal {n:02d}", "amount": str(1000 * n), "stage": "Prospecting"} for n in range(1, DEAL_COUNT)]
    deals.append({"title": XSS_TITLE, "amount": "1", "stage": "Won"})
    response = rep.post("/api/v1/objects/opportunity/records", json=deals)
    assert response.status_code == 201, response.get_json()
    return rep


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, app, the rep's API client) of a live server over the example CRM."""
    from tessera.runtime.identity.users import create_token, create_user

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'tessera.db'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    with app.extensions["tessera"].write() as conn:
        admin = Api(app.test_client(), create_token(conn, create_user(conn, "admin", is_admin=True)))
    _publish_example(admin)
    _add_people(admin)
    rep = _rep_deals(app)
    with serving(app) as base:
        yield base, app, rep
    app.extensions["tessera"].dispose()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _unavailable(f"no Chromium at {CHROMIUM}")
    settled.install()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site):
    """A fresh page (its own cookies) at 1280 px, failing the test on any script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: _note_console(errors, message))
    page.set_default_timeout(5000)
    yield page
    context.close()
    assert errors == [], "the page logged errors"


def _note_console(errors, message):
    """Keep console errors (a CSP refusal among them), but not the network log of an API
    answer the page handles itself (a 422 or 409 it shows to the user)."""
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        errors.append(message.text)


def snap(page, name, *, full_page=True):
    """Write a screenshot of ``page`` to tests/browser/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def follow(page, target, url):
    """Click ``target`` (a link or a GET form's button) and wait until the page it opens at ``url``
    has loaded: its modules have run and wired their buttons (a click before that is lost)."""
    page.click(target)
    page.wait_for_url(url)


def choose_locale(page, locale):
    """Pick ``locale`` in the header's switch and wait until the page it reloads has loaded (its
    modules wired): the next click may need them."""
    from playwright.sync_api import expect

    page.select_option("#locale-switch", locale)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    page.wait_for_load_state("load")


def log_in(page, base, username="rita", path="/app/"):
    """Open ``path`` anonymously, get sent to the login page, sign in; land on ``path``."""
    page.goto(base + path)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + path)
