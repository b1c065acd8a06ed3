"""The designer's "Integrations" pages through the test client: webhooks with their delivery
log (a failed delivery is shown dead, with its attempts, response and error, and a Retry),
inbound endpoints with the URL to call and their failed payloads (errors and Replay).
Secrets are write-only: no page ever shows one."""

import re

import pytest

from tessera.platform import create_app
from tests.designer.conftest import BASE, PASSWORD

SECRET = "whsec-0123456789abcdef"
#: Deliveries may reach 127.0.0.1 and die at their first failure.
SETTINGS = {"WEBHOOK_ALLOW_HOSTS": "127.0.0.1", "EVENT_MAX_ATTEMPTS": 1, "EVENT_RETRY_SECONDS": 30}
#: Port 9 (discard) refuses the connection at once.
DEAD_END = "http://127.0.0.1:9/hook"
WEBHOOK = {"kind": "webhook", "name": "erp", "object": "opportunity", "events": ["record.created"],
           "url": DEAD_END, "secret": SECRET, "active": True}
ENDPOINT = {"kind": "inbound_endpoint", "name": "web_accounts", "object": "account", "external_id": "name",
            "mapping": {"name": "/company", "annual_revenue": {"path": "/revenue", "transform": "number"}},
            "secret": SECRET, "run_as": "ada"}


class Site:
    """An app allowed to call 127.0.0.1 over a copy of the shop, and its signed-in clients."""

    def __init__(self, app):
        self.app, self.runtime, self.clients = app, app.extensions["tessera"], {}

    def client(self, username):
        if username not in self.clients:
            client = self.app.test_client()
            login = client.post(f"{BASE}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            client.csrf = login.get_json()["csrf_token"]
            self.clients[username] = client
        return self.clients[username]

    def page(self, path, username="ada", status=200):
        response = self.client(username).get(BASE + path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def call(self, method, path, body=None, username="ada"):
        client = self.client(username)
        return client.open(BASE + path, method=method, json=body, headers={"X-CSRF-Token": client.csrf})

    def define(self, *docs):
        for doc in docs:
            assert self.call("PUT", f"/api/v1/metadata/{doc['kind']}/{doc['name']}", doc).status_code in (200, 201)
        published = self.call("POST", "/api/v1/metadata/publish", {})
        assert published.status_code == 200, published.get_json()


@pytest.fixture
def site(shop, database_url):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, **SETTINGS})
    yield Site(app)
    app.extensions["tessera"].dispose()


@pytest.fixture
def dead(site):
    """The webhook published, a deal created and its delivery failed once: dead. The event's id."""
    site.define(WEBHOOK)
    assert site.call("POST", "/api/v1/objects/opportunity/records", {"title": "Crane"}).status_code == 201
    site.runtime.events.dispatch()
    events = site.call("GET", "/api/v1/events?status=dead").get_json()["items"]
    return events[-1]["id"]


class TestWhoMayOpenThem:
    @pytest.mark.parametrize("path", ["/app/design/integrations", "/app/design/integrations/webhooks/new",
                                      "/app/design/integrations/inbound/new"])
    def test_a_rep_gets_the_403_page(self, site, path):
        site.page(path, username="rita", status=403)

    def test_the_area_is_in_the_design_menu_of_administrators(self, site):
        assert 'id="nav-design-integrations"' in site.page("/app/")


class TestWebhooks:
    def test_a_draft_is_listed_and_its_form_saves_a_draft_without_showing_the_secret(self, site):
        assert site.call("POST", "/api/v1/metadata/webhook", WEBHOOK).status_code == 201
        overview = site.page("/app/design/integrations")
        assert re.search(r'data-webhook="erp">.*?Draft, not published', overview, re.S)
        page = site.page("/app/design/integrations/webhooks/erp")
        assert 'data-api="/api/v1/metadata/webhook/erp" data-method="PUT"' in " ".join(page.split())
        assert SECRET not in page and "The delivery log appears here once the webhook is published." in page
        assert re.search(r'value="record.created" checked', page) and not re.search(r'value="record.deleted" checked', page)

    def test_a_failed_delivery_is_shown_dead_with_its_attempt_and_a_retry(self, site, dead):
        page = site.page("/app/design/integrations/webhooks/erp")
        row = re.search(rf'<tr data-event="{dead}" class="delivery-dead">(.*?)</tr>', page, re.S).group(1)
        assert "Dead" in row and f'data-api="/api/v1/events/{dead}/retry"' in row
        log = re.search(r'<table class="records" id="attempt-log">(.*?)</table>', page, re.S).group(1)
        assert f"#{dead}" in log and "Failed" in log and "—" in log  # no response code: the connection was refused
        assert SECRET not in page

    def test_a_retried_delivery_waits_for_its_next_attempt(self, site, dead):
        assert site.call("POST", f"/api/v1/events/{dead}/retry").status_code == 200
        page = site.page("/app/design/integrations/webhooks/erp")
        row = re.search(rf'<tr data-event="{dead}" class="delivery-pending">(.*?)</tr>', page, re.S).group(1)
        assert "Waiting for a retry" in row and "retry-event" not in row and " UTC" in row

    def test_the_overview_lists_dead_events_to_retry(self, site, dead):
        page = site.page("/app/design/integrations")
        row = re.search(rf'<tr data-event="{dead}">(.*?)</tr>', page, re.S).group(1)
        assert "webhook:erp" in row and f'data-api="/api/v1/events/{dead}/retry"' in row


class TestInboundEndpoints:
    def test_a_failed_payload_is_shown_with_its_error_and_a_replay(self, site):
        site.define(ENDPOINT)
        refused = site.call("POST", "/api/v1/inbound/web_accounts", {"company": "Acme <b>", "revenue": "lots"})
        assert refused.status_code == 422
        failed = refused.get_json()["failed_id"]
        page = site.page("/app/design/integrations/inbound/web_accounts")
        assert "POST https://localhost/api/v1/inbound/web_accounts" in page
        item = re.search(rf'<li class="failure" data-failure="{failed}">(.*?)</details>', page, re.S).group(1)
        assert "<code>annual_revenue</code>" in item and "Acme &lt;b&gt;" in item
        assert f'data-api="/api/v1/inbound/web_accounts/failed/{failed}/replay"' in item
        assert SECRET not in page

    def test_a_replayed_payload_leaves_the_list(self, site):
        site.define(ENDPOINT)
        failed = site.call("POST", "/api/v1/inbound/web_accounts", {"revenue": "12"}).get_json()["failed_id"]
        site.define({**ENDPOINT, "mapping": {"name": {"path": "/company", "default": "Walk-in"},
                                             "annual_revenue": {"path": "/revenue", "transform": "number"}}})
        assert site.call("POST", f"/api/v1/inbound/web_accounts/failed/{failed}/replay").status_code == 201
        assert "No failed payload." in site.page("/app/design/integrations/inbound/web_accounts")

    def test_the_form_holds_the_mapping_as_json_and_no_secret(self, site):
        site.define(ENDPOINT)
        page = site.page("/app/design/integrations/inbound/web_accounts")
        assert "&#34;/company&#34;" in page and 'data-kind="json"' in page and SECRET not in page
