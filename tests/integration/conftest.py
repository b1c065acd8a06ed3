"""Inbound endpoint tests start from a lead object, a people-facing account object, a
permission set that may write leads but not their ``notes``, two users holding it (``webform``,
the signed endpoint's run_as, and ``rep``) and the endpoint ``web_leads`` exactly as the
contract writes it, signed with SECRET. The app's clock is frozen at START."""

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tessera.runtime.identity.users import create_token
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc

SECRET = "inbound-secret-0123456789"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LEAD = object_doc(
    "lead",
    {"name": "external_ref", "type": "text", "unique": True, "max_length": 64},
    {"name": "company", "type": "text", "required": True, "max_length": 40},
    {"name": "email", "type": "email"},
    {"name": "score", "type": "number"},
    {"name": "received_on", "type": "date"},
    {"name": "source", "type": "text"},
    {"name": "notes", "type": "text"},
    {"name": "label", "type": "formula", "returns": "text", "expression": "company & \" lead\""},
    sharing="private",
)
ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True})
LEAD_WRITER = {"kind": "permission_set", "name": "lead_writer",
               "objects": {"lead": {"create": True, "read": True, "edit": True,
                                    "fields": {"notes": {"read": True, "edit": False}}},
                           "account": {"create": True, "read": True, "edit": True}}}
#: The contract's document, signed: requests with the signature act as ``webform``.
WEB_LEADS = {"kind": "inbound_endpoint", "name": "web_leads", "object": "lead", "external_id": "external_ref",
             "mapping": {"external_ref": "/id", "company": "/company/name", "email": "/contact/email"}}


def _build(api):
    published = define(api, LEAD, ACCOUNT, LEAD_WRITER)
    assert published.status_code == 200, published.get_json()
    ids = {}
    for username in ("webform", "rep"):
        made = api.post("/api/v1/users", json={"username": username, "permission_sets": ["lead_writer"]})
        assert made.status_code == 201, made.get_json()
        ids[username] = made.get_json()["id"]
    published = define(api, {**WEB_LEADS, "secret": SECRET, "run_as": "webform"})
    assert published.status_code == 200, published.get_json()
    return {"ids": ids}


database_seed = seeds_for(inbound=api_seed("inbound_leads", _build))


@dataclass
class Inbound:
    """The seeded app: the administrator's client, the people's ids, clients with fresh tokens."""

    app: object
    admin: Api
    ids: dict = field(default_factory=dict)

    @property
    def runtime(self):
        return self.app.extensions["tessera"]

    def client_for(self, username, **token_options):
        """A client with a new token of ``username`` (token options: scope, objects)."""
        with self.runtime.write() as conn:
            secret = create_token(conn, self.ids[username], "test", **token_options)
        return Api(self.app.test_client(), secret)

    def signed(self, payload, *, secret=SECRET, at=None, name="web_leads", header=None):
        """POST ``payload`` to endpoint ``name`` signed with ``secret`` at ``at`` (default: the app's clock)."""
        body = json.dumps(payload).encode()
        stamp = int((at or self.runtime.clock()).timestamp())
        digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        headers = {"X-Tessera-Signature": header or f"t={stamp},v1={digest}", "Content-Type": "application/json"}
        return self.app.test_client().post(f"/api/v1/inbound/{name}", data=body, headers=headers)

    def leads(self):
        """Every lead, by id, as the administrator reads them."""
        items = self.admin.get("/api/v1/objects/lead/records?limit=200").get_json()["items"]
        return sorted(items, key=lambda item: item["id"])


@pytest.fixture
def inbound(database_url, seed_data):
    """The seeded organisation on an app whose clock stands at START."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    app.extensions["tessera"].clock = FrozenClock(START)
    yield Inbound(app=app, admin=Api(app.test_client(), seed_data["admin_token"]), ids=dict(seed_data["ids"]))
    app.extensions["tessera"].dispose()


def lead_payload(ref="L-1", company="Acme", email="buyer@acme.example", **extra):
    """A web form's payload as the contract's mapping reads it."""
    return {"id": ref, "company": {"name": company}, "contact": {"email": email}, **extra}
