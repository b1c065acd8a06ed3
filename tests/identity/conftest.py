"""A small sales organisation, built through the API as the administrator.

Roles: vp > east_manager > east_rep, vp > west_manager > west_rep.
Teams: sales > east, sales > west.
Users: vera (vp), carol (east_manager), alice and bob (east_rep), dave (west_rep), wendy
(west_manager); each holds the permission set ``sales_rep``: opportunities may be created,
read, edited and deleted; ``margin`` is hidden and ``discount`` is read-only.
"""

from dataclasses import dataclass, field

import pytest

from tessera.runtime.identity.users import create_token
from tests.conftest import Api
from tests.helpers import define, object_doc

PASSWORD = "correct horse battery"

OPPORTUNITY = object_doc(
    "opportunity",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "margin", "type": "currency"},
    {"name": "discount", "type": "percent"},
    {"name": "region", "type": "picklist", "options": ["East", "West", "North"]},
    {"name": "notes", "type": "text"},
    sharing="private",
)
ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True}, sharing="public_read")
SALES_REP = {
    "kind": "permission_set", "name": "sales_rep",
    "objects": {
        "opportunity": {"create": True, "read": True, "edit": True, "delete": True,
                        "fields": {"margin": {"read": False}, "discount": {"read": True, "edit": False}}},
        "account": {"create": True, "read": True, "edit": True},
    },
}
WEST_FOR_EAST_MANAGERS = {
    "kind": "sharing_rule", "name": "west_deals_to_east_managers", "object": "opportunity",
    "criteria": 'region = "West"', "access": "read", "share_with": {"role": "east_manager"},
}

ROLES = [("vp", None), ("east_manager", "vp"), ("east_rep", "east_manager"),
         ("west_manager", "vp"), ("west_rep", "west_manager")]
TEAMS = [("sales", None), ("east", "sales"), ("west", "sales")]
PEOPLE = {"vera": ("vp", "sales"), "carol": ("east_manager", "east"), "alice": ("east_rep", "east"),
          "bob": ("east_rep", "east"), "dave": ("west_rep", "west"), "wendy": ("west_manager", "west")}


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

    def client_for(self, username, **token_options):
        """A fresh client with a new token of ``username`` (token options: scope, objects...)."""
        with self.runtime.write() as conn:
            secret = create_token(conn, self.ids[username], "test", **token_options)
        return Api(self.app.test_client(), secret)

    def create(self, username, **values):
        """Create an opportunity as ``username``; return its id."""
        response = self[username].post("/api/v1/objects/opportunity/records", json={"title": "deal", **values})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]


def build_directory(api):
    for name, parent in ROLES:
        assert api.post("/api/v1/roles", json={"name": name, "parent": parent}).status_code == 201
    for name, parent in TEAMS:
        assert api.post("/api/v1/teams", json={"name": name, "parent": parent}).status_code == 201


def add_person(api, username, role, team, password=None):
    body = {"username": username, "roles": [role], "team": team, "permission_sets": ["sales_rep"]}
    if password:
        body["password"] = password
    response = api.post("/api/v1/users", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def org(app, api):
    """The organisation with opportunities and accounts published, nobody owning records yet."""
    published = define(api, OPPORTUNITY, ACCOUNT, SALES_REP, WEST_FOR_EAST_MANAGERS)
    assert published.status_code == 200, published.get_json()
    build_directory(api)
    result = Org(app=app, admin=api)
    for username, (role, team) in PEOPLE.items():
        result.ids[username] = add_person(api, username, role, team, PASSWORD if username == "alice" else None)
    result.ids["admin"] = api.get("/api/v1/users/me").get_json()["id"]
    for username in PEOPLE:
        result.clients[username] = result.client_for(username)
    return result


def url(record_id=None, object_name="opportunity", suffix=""):
    """The records URL of an object, or of one record (with a suffix such as /share)."""
    base = f"/api/v1/objects/{object_name}/records"
    return base if record_id is None else f"{base}/{record_id}{suffix}"


def titles(response):
    """The titles of a list response, sorted."""
    assert response.status_code == 200, response.get_json()
    return sorted(item["title"] for item in response.get_json()["items"])
