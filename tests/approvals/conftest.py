"""A small sales organisation for approval flows, built once per run through the API.

Roles: director > manager > rep; finance. Team: sales.
People: dina (director), mark (manager, reports to dina), rita and otto (reps, report to
mark), fay, fred and flo (finance, report to dina). Everyone holds ``seller``: quotes and
approval notes may be created, read, edited and deleted; quotes are shared read/write.
Flows are published by each test (``Org.publish_flow``).
"""

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from tessera.runtime.identity.users import create_token
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc

QUOTE = object_doc(
    "quote",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "discount", "type": "percent"},
    {"name": "stage", "type": "picklist", "options": ["Draft", "Submitted", "Approved", "Rejected"]},
    {"name": "reviewer", "type": "user"},
    sharing="public_read_write",
)
NOTE = object_doc("approval_note", {"name": "title", "type": "text"},
                  {"name": "quote", "type": "lookup", "target": "quote"}, sharing="public_read_write")
SELLER = {
    "kind": "permission_set", "name": "seller",
    "objects": {name: {"create": True, "read": True, "edit": True, "delete": True} for name in ("quote",
                                                                                                "approval_note")},
}
ROLES = [("director", None), ("manager", "director"), ("rep", "manager"), ("finance", None)]
#: username -> (role, manager)
PEOPLE = {"dina": ("director", None), "mark": ("manager", "dina"), "rita": ("rep", "mark"), "otto": ("rep", "mark"),
          "fay": ("finance", "dina"), "fred": ("finance", "dina"), "flo": ("finance", "dina")}
#: The time the tests' clock stands still at (a Thursday).
NOW = datetime(2026, 12, 3, 9, 0, 0)


def build_org(api):
    """Publish quotes and notes, create the roles, the team and the people; return ids and tokens."""
    published = define(api, QUOTE, NOTE, SELLER)
    assert published.status_code == 200, published.get_json()
    for name, parent in ROLES:
        assert api.post("/api/v1/roles", json={"name": name, "parent": parent}).status_code == 201
    assert api.post("/api/v1/teams", json={"name": "sales"}).status_code == 201
    ids = {}
    for username, (role, manager) in PEOPLE.items():
        body = {"username": username, "display_name": username.title(), "roles": [role], "team": "sales",
                "permission_sets": ["seller"]}
        if manager:
            body["manager"] = ids[manager]
        response = api.post("/api/v1/users", json=body)
        assert response.status_code == 201, response.get_json()
        ids[username] = response.get_json()["id"]
    made = api.client.application.extensions["tessera"]
    with made.write() as conn:
        tokens = {username: create_token(conn, ids[username], "test") for username in PEOPLE}
    return {"ids": ids, "tokens": tokens}


database_seed = seeds_for(org=api_seed("approvals_org", build_org))


@dataclass
class Org:
    """The organisation: the admin client, one client and id per person, the app."""

    app: object
    admin: Api
    clients: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.clients[name]

    @property
    def runtime(self):
        return self.app.extensions["tessera"]

    def publish_flow(self, name="discount", **doc):
        """Save and publish approval flow ``name`` for quotes; return the publish response."""
        body = {"kind": "approval_flow", "name": name, "object": "quote", **doc}
        return define(self.admin, body)

    def quote(self, username="rita", **values):
        """Create a quote as ``username``; return its id."""
        response = self[username].post("/api/v1/objects/quote/records", json={"title": "Q", **values})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def read_quote(self, record_id):
        return self.admin.get(f"/api/v1/objects/quote/records/{record_id}").get_json()

    def submit(self, record_id, username="rita", **body):
        """Submit the quote as ``username``; return the response."""
        return self[username].post(f"/api/v1/objects/quote/records/{record_id}/approval", json=body)

    def submitted(self, record_id, username="rita", **body):
        """Submit and return the request, asserting it was created."""
        response = self.submit(record_id, username, **body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def act(self, username, instance_id, verb, **body):
        """POST /approvals/{id}/{verb} as ``username``; return the response."""
        return self[username].post(f"/api/v1/approvals/{instance_id}/{verb}", json=body)

    def acted(self, username, instance_id, verb, **body):
        response = self.act(username, instance_id, verb, **body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def instance(self, instance_id):
        response = self.admin.get(f"/api/v1/approvals/{instance_id}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def name_of(self, user_id):
        return next(name for name, uid in self.ids.items() if uid == user_id)

    def pending(self, instance):
        """The usernames holding pending work items of the request, sorted."""
        return sorted(self.name_of(item["approver"]["id"]) for item in instance["work_items"]
                      if item["status"] == "pending")

    def events(self, prefix="approval."):
        """The event types in the outbox starting with ``prefix``, oldest first."""
        from sqlalchemy import select
        table = self.runtime.outbox_table
        with self.runtime.read() as conn:
            rows = conn.execute(select(table.c.event_type).order_by(table.c.id))
            return [row.event_type for row in rows if row.event_type.startswith(prefix)]


@pytest.fixture
def org(app, api, seed_data):
    """The organisation with quotes published, no flow yet, the clock frozen at NOW."""
    result = Org(app=app, admin=api, ids=dict(seed_data["ids"]))
    for username, secret in seed_data["tokens"].items():
        result.clients[username] = Api(app.test_client(), secret)
    result.runtime.clock = lambda: NOW
    return result


def step(name, *approvers, **options):
    """A step document."""
    return {"name": name, "approvers": list(approvers), **options}


def manager(of="submitter", levels=1):
    return {"manager": {"of": of, "levels": levels}}


def role(name):
    return {"role": name}


def set_stage(value):
    return {"field_update": {"field": "stage", "value": f'"{value}"'}}
