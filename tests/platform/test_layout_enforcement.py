"""The form layout a user gets binds their writes through the API: a field it requires must
be given, a field it makes read only must not be written. Administrators are not bound."""

from dataclasses import dataclass

import pytest

from tessera.runtime.identity.users import create_token
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem

DEAL = object_doc("deal", {"name": "title", "type": "text", "required": True},
                  {"name": "amount", "type": "currency"}, {"name": "stage", "type": "text"},
                  {"name": "region", "type": "text", "default": "west"}, {"name": "score", "type": "number"})
REP = {"kind": "permission_set", "name": "rep", "objects": {"deal": {
    "create": True, "read": True, "edit": True, "fields": {"score": {"read": True, "edit": False}}}}}
READER = {"kind": "permission_set", "name": "reader", "objects": {"deal": {"read": True}}}
CLERK = {"kind": "permission_set", "name": "clerk", "objects": {"deal": {"create": True, "read": True, "edit": True}}}
#: Reps must give an amount and may not set the stage; everyone else gets the default layout.
REP_LAYOUT = {"kind": "layout", "name": "deal_rep", "object": "deal", "assigned_to": {"permission_sets": ["rep"]},
              "sections": [{"fields": [{"field": "title"}, {"field": "amount", "required": True},
                                       {"field": "stage", "read_only": True}, {"field": "region", "required": True},
                                       {"field": "score", "required": True}]}]}
MANAGER_LAYOUT = {"kind": "layout", "name": "deal_manager", "object": "deal", "assigned_to": {"roles": ["manager"]},
                  "sections": [{"fields": [{"field": "title"}, {"field": "stage", "required": True}]}]}
DEFAULT_LAYOUT = {"kind": "layout", "name": "deal_default", "object": "deal", "default": True,
                  "sections": [{"fields": [{"field": "title"}, {"field": "amount", "read_only": True}]}]}


def build_people(api):
    assert define(api, DEAL, REP, READER, CLERK, REP_LAYOUT, MANAGER_LAYOUT, DEFAULT_LAYOUT).status_code == 200
    assert api.post("/api/v1/roles", json={"name": "manager"}).status_code == 201
    people = {"rita": {"permission_sets": ["rep"]}, "carl": {"permission_sets": ["clerk"]},
              "mona": {"permission_sets": ["clerk"], "roles": ["manager"]}, "ada": {"is_admin": True},
              "vera": {"permission_sets": ["reader"]}}
    ids = {}
    for username, extra in people.items():
        response = api.post("/api/v1/users", json={"username": username, **extra})
        assert response.status_code == 201, response.get_json()
        ids[username] = response.get_json()["id"]
    with api.client.application.extensions["tessera"].write() as conn:
        return {"tokens": {name: create_token(conn, user_id, "test") for name, user_id in ids.items()}}


database_seed = seeds_for(people=api_seed("layout_enforcement_people", build_people))


@dataclass
class People:
    app: object
    tokens: dict

    def __getitem__(self, username):
        return Api(self.app.test_client(), self.tokens[username])


@pytest.fixture
def people(app, seed_data):
    return People(app, seed_data["tokens"])


DEALS = "/api/v1/objects/deal/records"


def create(client, body):
    return client.post(DEALS, json=body)


def test_a_field_the_layout_requires_must_be_given_on_create(people):
    body = assert_problem(create(people["rita"], {"title": "Pumps"}), 422, "validation_failed")
    assert list(body["errors"]) == ["amount"]
    assert create(people["rita"], {"title": "Pumps", "amount": "100"}).status_code == 201


def test_a_required_field_with_a_static_default_may_be_left_out_but_not_cleared(people):
    made = create(people["rita"], {"title": "Pumps", "amount": "100"})
    assert made.get_json()["region"] == "west"
    cleared = people["rita"].patch(f"{DEALS}/{made.get_json()['id']}", json={"region": None})
    assert list(assert_problem(cleared, 422, "validation_failed")["errors"]) == ["region"]


def test_a_required_field_the_user_may_not_write_is_not_required_of_them(people):
    made = create(people["rita"], {"title": "Pumps", "amount": "100"})
    assert made.status_code == 201 and made.get_json()["score"] is None


def test_a_field_the_layout_makes_read_only_is_refused_and_nothing_is_written(people):
    refused = create(people["rita"], {"title": "Pumps", "amount": "100", "stage": "won"})
    assert assert_problem(refused, 422, "validation_failed")["errors"]["stage"]
    made = create(people["rita"], {"title": "Pumps", "amount": "100"}).get_json()
    patched = people["rita"].patch(f"{DEALS}/{made['id']}", json={"stage": "won"})
    assert list(assert_problem(patched, 422)["errors"]) == ["stage"]
    assert people["rita"].get(f"{DEALS}/{made['id']}").get_json()["stage"] is None


def test_every_problem_of_a_batch_is_named_by_its_position(people):
    refused = people["rita"].post(DEALS, json=[{"title": "a", "amount": "1"}, {"title": "b", "stage": "x"}])
    assert sorted(assert_problem(refused, 422)["errors"]) == ["[1].amount", "[1].stage"]
    assert people["ada"].get(DEALS).get_json()["items"] == []


def test_a_role_assignment_chooses_the_layout_before_the_default(people):
    assert list(assert_problem(create(people["mona"], {"title": "x"}), 422)["errors"]) == ["stage"]
    assert create(people["mona"], {"title": "x", "stage": "new", "amount": "5"}).status_code == 201


def test_without_an_assigned_layout_the_default_layout_applies(people):
    assert list(assert_problem(create(people["carl"], {"title": "x", "amount": "5"}), 422)["errors"]) == ["amount"]
    assert create(people["carl"], {"title": "x", "stage": "won"}).status_code == 201


def test_administrators_are_not_bound_by_layouts(people):
    assert create(people["ada"], {"title": "x", "stage": "won"}).status_code == 201


def test_the_records_service_stays_the_authority_for_the_objects_own_rules(people):
    body = assert_problem(create(people["rita"], {"amount": "5"}), 422)
    assert "title" in body["errors"]


def test_a_user_without_the_object_right_is_refused_for_that_before_any_layout_rule(people):
    assert_problem(create(people["vera"], {"title": "x", "amount": "5"}), 403)
