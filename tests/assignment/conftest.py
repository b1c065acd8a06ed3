"""Assignment tests start from a small inside-sales organisation, built once per run:

- object ``lead`` (company, status Open/Closed, region East/West), private sharing;
- permission set ``lead_rep``: leads may be created, read and edited;
- team ``inside`` with five reps (in1..in5, role ``rep``), team ``east`` with two reps
  (east1, east2, role ``rep``), and ``outsider`` (no team, no role);
- every person holds ``lead_rep`` and a token.

The app's clock is frozen at START, so pool returns are stepped by hand.
"""

from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from tessera.platform import create_app
from tessera.runtime.clock import FrozenClock
from tessera.runtime.context import Context
from tessera.runtime.identity.principal import context_for_user
from tessera.runtime.identity.users import create_token
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
LEAD = object_doc(
    "lead",
    {"name": "company", "type": "text", "required": True},
    {"name": "status", "type": "picklist", "options": ["Open", "Closed"]},
    {"name": "region", "type": "picklist", "options": ["East", "West"]},
    sharing="private",
)
LEAD_REP = {"kind": "permission_set", "name": "lead_rep",
            "objects": {"lead": {"create": True, "read": True, "edit": True}}}
INSIDE = ["in1", "in2", "in3", "in4", "in5"]
EAST = ["east1", "east2"]


def _build(api):
    published = define(api, LEAD, LEAD_REP)
    assert published.status_code == 200, published.get_json()
    assert api.post("/api/v1/roles", json={"name": "rep"}).status_code == 201
    for team in ("inside", "east"):
        assert api.post("/api/v1/teams", json={"name": team}).status_code == 201
    ids = {}
    people = [(n, "inside", ["rep"]) for n in INSIDE] + [(n, "east", ["rep"]) for n in EAST] + [("outsider", None, [])]
    for username, team, roles in people:
        body = {"username": username, "roles": roles, "team": team, "permission_sets": ["lead_rep"]}
        response = api.post("/api/v1/users", json=body)
        assert response.status_code == 201, response.get_json()
        ids[username] = response.get_json()["id"]
    ids["admin"] = api.get("/api/v1/users/me").get_json()["id"]
    runtime = api.client.application.extensions["tessera"]
    with runtime.write() as conn:
        tokens = {username: create_token(conn, ids[username], "test") for username in ids if username != "admin"}
    return {"ids": ids, "tokens": tokens}


database_seed = seeds_for(sales=api_seed("assignment_sales", _build))


@dataclass
class Sales:
    """The organisation: the app, the administrator's client, one client and id per person."""

    app: object
    admin: Api
    ids: dict
    clients: dict = field(default_factory=dict)

    def __getitem__(self, username):
        return self.clients[username]

    @property
    def runtime(self):
        return self.app.extensions["tessera"]

    @property
    def clock(self):
        return self.runtime.clock

    def ctx(self, username):
        """The runtime Context of ``username``."""
        with self.runtime.read() as conn:
            return context_for_user(conn, self.runtime.model(conn), self.ids[username])

    def publish(self, *docs):
        """Save and publish ``docs``; fail the test when refused."""
        published = define(self.admin, *docs)
        assert published.status_code == 200, published.get_json()

    def create(self, username="admin", **values):
        """Create a lead through the API as ``username``; return it."""
        client = self.admin if username == "admin" else self[username]
        response = client.post("/api/v1/objects/lead/records", json={"company": "ACME", "status": "Open", **values})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def owner(self, record_id):
        """The lead's owner id, as the administrator reads it."""
        return self.admin.get(f"/api/v1/objects/lead/records/{record_id}").get_json()["owner"]

    def name_of(self, user_id):
        """The username of ``user_id``."""
        return {v: k for k, v in self.ids.items()}.get(user_id)


@pytest.fixture
def sales(database_url, seed_data):
    """The organisation on a fresh app whose clock is frozen at START."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    app.extensions["tessera"].clock = FrozenClock(START)
    admin = Api(app.test_client(), seed_data["admin_token"])
    org = Sales(app=app, admin=admin, ids=dict(seed_data["ids"]))
    for username, secret in seed_data["tokens"].items():
        org.clients[username] = Api(app.test_client(), secret)
    yield org
    app.extensions["tessera"].dispose()


def admin_ctx(sales):
    """The administrator's Context."""
    return Context(user_id=sales.ids["admin"], username="admin", is_admin=True)


def rule(name, assign, *, order=1, criteria=None, **extra):
    """An assignment rule on leads."""
    doc = {"kind": "assignment_rule", "name": name, "object": "lead", "order": order, "assign": assign, **extra}
    if criteria is not None:
        doc["criteria"] = criteria
    return doc


def pool(name="east_pool", **extra):
    """A lead pool of the east team."""
    return {"kind": "lead_pool", "name": name, "object": "lead", "members": [{"team": "east"}], **extra}
