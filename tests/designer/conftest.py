"""The example CRM with a rep and an administrator who sign in with passwords, built once
per run through the API; pages are read with Flask's test client over HTTPS (the session
cookie is Secure)."""

import json
from dataclasses import dataclass

import pytest

from tessera.platform.demo import EXAMPLE
from tests.conftest import api_seed, seeds_for

BASE = "https://localhost"
PASSWORD = "correct horse battery"
SCRIPT = "<script>alert(1)</script>"
SALES_REP = {
    "kind": "permission_set", "name": "sales_rep",
    "objects": {"opportunity": {"create": True, "read": True, "edit": True, "fields": {"margin": {"read": False}}},
                "probe": {"read": True}},
}
#: An object whose labels hold markup, to see it shown as text.
PROBE = {"kind": "object", "name": "probe", "label": {"en": f"Probe {SCRIPT}", "zh-CN": "探针"},
         "fields": [{"name": "title", "type": "text", "label": {"en": f"<b>Title</b>{SCRIPT}"}}]}


def build_shop(api):
    """Publish the example CRM and PROBE, add ``rita`` (a rep) and ``ada`` (an administrator); give
    rita a deal whose title is a script and whose margin she may not see."""
    docs = [json.loads(p.read_text("utf-8")) for p in sorted((EXAMPLE / "metadata").glob("*.json"))]
    for doc in [*docs, PROBE, SALES_REP]:
        assert api.post(f"/api/v1/metadata/{doc['kind']}", json=doc).status_code in (200, 201)
    assert api.post("/api/v1/metadata/publish", json={}).status_code == 200
    ids = {}
    for username, extra in (("rita", {"permission_sets": ["sales_rep"]}), ("ada", {"is_admin": True})):
        response = api.post("/api/v1/users", json={"username": username, "password": PASSWORD, **extra})
        assert response.status_code == 201
        ids[username] = response.get_json()["id"]
    account = api.post("/api/v1/objects/account/records", json={"name": "Acme Pumps"}).get_json()["id"]
    deal = api.post("/api/v1/objects/opportunity/records",
                    json={"title": SCRIPT, "amount": "1200", "margin": "300", "account": account})
    given = api.post(f"/api/v1/objects/opportunity/records/{deal.get_json()['id']}/transfer", json={"owner": ids["rita"]})
    assert given.status_code == 200, given.get_json()
    probe = api.post("/api/v1/objects/probe/records", json={"title": SCRIPT})
    return {"deal": deal.get_json()["id"], "probe": probe.get_json()["id"], "account": account}


database_seed = seeds_for(shop=api_seed("designer_shop", build_shop))


@dataclass
class Shop:
    """The app and the seeded records' ids."""

    app: object
    deal: int
    probe: int
    account: int

    def browser(self, username=None):
        """A test client, signed in as ``username`` when given; its ``csrf`` attribute holds the token."""
        client = self.app.test_client()
        client.csrf = None
        if username:
            response = client.post(f"{BASE}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            client.csrf = response.get_json()["csrf_token"]
        return client


@pytest.fixture
def shop(app, seed_data):
    """The example CRM, the probe object, rita and ada."""
    return Shop(app, seed_data["deal"], seed_data["probe"], seed_data["account"])
