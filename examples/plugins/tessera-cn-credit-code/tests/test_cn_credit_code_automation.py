"""The normalise_credit_code automation action, on SQLite and PostgreSQL, through the REST API:
a lead's code typed with spaces, hyphens and lower case is stored as a valid code in the
same write; a text that is no code is left alone; a rule without ``from`` is refused."""

RECORDS = "/api/v1/objects/lead/records"
LEAD = {"kind": "object", "name": "lead", "fields": [
    {"name": "company", "type": "text", "required": True},
    {"name": "raw_code", "type": "text"},
    {"name": "credit_code", "type": "cn_credit_code"},
]}


def rule(spec):
    return {"kind": "automation", "name": "clean_code", "object": "lead", "trigger": "created",
            "timing": "before_commit", "actions": [{"normalise_credit_code": spec}]}


def publish(client, *docs):
    for doc in docs:
        saved = client.call("put", f"/api/v1/metadata/{doc['kind']}/{doc['name']}", json=doc)
        assert saved.status_code == 200, saved.get_json()
    return client.call("post", "/api/v1/metadata/publish", json={})


def test_a_messy_code_is_stored_as_a_valid_code_in_the_same_write(client):
    assert publish(client, LEAD, rule({"from": "raw_code", "to": "credit_code"})).status_code == 200
    response = client.call("post", RECORDS, json={"company": "Fuzhou", "raw_code": "91350100-m000 100y43"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["credit_code"] == "91350100M000100Y43"


def test_a_text_that_is_no_code_is_left_alone(client):
    assert publish(client, LEAD, rule({"from": "raw_code", "to": "credit_code"})).status_code == 200
    response = client.call("post", RECORDS, json={"company": "Typo", "raw_code": "91350100M000100Y44"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["credit_code"] is None


def test_a_rule_without_the_field_to_read_is_refused_at_publish(client):
    refused = publish(client, LEAD, rule({"to": "credit_code"}))
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {
        "clean_code.actions[0].normalise_credit_code": [
            'give the field to read as "from" (and optionally the field to write as "to")']}
