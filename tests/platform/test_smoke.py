"""The shortest path through the platform: define, publish, create, read."""

from tests.helpers import define, object_doc


def test_defined_object_accepts_and_returns_records(api):
    published = define(api, object_doc("account", {"name": "name", "type": "text", "required": True}))
    assert published.status_code == 200, published.get_json()
    created = api.post("/api/v1/objects/account/records", json={"name": "ACME"})
    assert created.status_code == 201
    fetched = api.get(created.headers["Location"])
    assert fetched.get_json()["name"] == "ACME"
