"""The records API: create, read, update with optimistic locking, delete, history, batches."""

import pytest

from tessera.platform import create_app
from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, create, raw_rows, record_events, records, row_count

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "required": True, "max_length": 50},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"], "default": "Open"},
)


def build_deals(api):
    """Publish ``deal``."""
    assert define(api, DEAL).status_code == 200
    return {}


@pytest.fixture
def deals(api):
    """The API with ``deal`` published."""
    return api


def url(record_id=None, obj="deal"):
    base = f"/api/v1/objects/{obj}/records"
    return base if record_id is None else f"{base}/{record_id}"


# -- create and read -------------------------------------------------------------------------

def test_create_stores_a_row_and_answers_201_with_the_record_its_location_and_etag(deals):
    response = deals.post(url(), json={"title": "Pumps", "amount": "100.00"})
    assert response.status_code == 201
    record = response.get_json()
    assert response.headers["Location"].endswith(url(record["id"]))
    assert response.headers["ETag"] == '"1"'
    assert (record["title"], record["amount"], record["stage"], record["version"]) == ("Pumps", "100.00", "Open", 1)
    assert raw_rows(deals.client.application, "deal", "title", "stage") == [
        {"id": record["id"], "title": "Pumps", "stage": "Open"}]


def test_a_static_default_applies_only_when_the_field_is_left_out(deals):
    assert create(deals, "deal", {"title": "a"})["stage"] == "Open"
    assert create(deals, "deal", {"title": "b", "stage": "Won"})["stage"] == "Won"


def test_get_answers_the_record_its_etag_and_only_the_fields_asked_for(deals):
    created = create(deals, "deal", {"title": "Pumps", "amount": "5"})
    response = deals.get(url(created["id"]))
    assert response.status_code == 200
    assert response.get_json() == created
    assert response.headers["ETag"] == '"1"'
    body = deals.get(url(created["id"]), query_string={"fields": "amount"}).get_json()
    assert body["amount"] == "5.00"
    assert "title" not in body and "stage" not in body
    assert body["id"] == created["id"] and body["version"] == 1


def test_missing_records_and_unknown_objects_answer_404(deals):
    assert_problem(deals.get(url(42)), 404, "record_not_found")
    assert_problem(deals.patch(url(42), json={"title": "x"}), 404, "record_not_found")
    assert_problem(deals.delete(url(42)), 404, "record_not_found")
    assert_problem(deals.get(f"{url(42)}/history"), 404, "record_not_found")
    for response in (deals.get(url(obj="ghost")), deals.post(url(obj="ghost"), json={"a": 1}),
                     deals.get(url(1, "ghost")), deals.patch(url(1, "ghost"), json={"a": 1}),
                     deals.delete(url(1, "ghost"))):
        assert_problem(response, 404, "object_not_found")


def test_a_record_body_must_be_a_json_object(deals):
    assert_problem(deals.post(url(), json="just text"), 422, "validation_failed")
    assert_problem(deals.post(url(), json=42), 422, "validation_failed")
    assert row_count(deals.client.application, "deal") == 0


# -- update and optimistic locking -----------------------------------------------------------

def test_patch_changes_only_the_fields_sent_and_bumps_the_version_with_or_without_one_sent(deals):
    created = create(deals, "deal", {"title": "Pumps", "amount": "100.00"})
    response = deals.patch(url(created["id"]), json={"amount": "150.25", "version": 1})
    assert response.status_code == 200
    updated = response.get_json()
    assert (updated["title"], updated["amount"], updated["version"]) == ("Pumps", "150.25", 2)
    assert response.headers["ETag"] == '"2"'
    assert updated["updated_at"] >= created["updated_at"]
    assert deals.get(url(created["id"])).get_json() == updated
    assert deals.patch(url(created["id"]), json={"stage": "Won"}).get_json()["version"] == 3


def test_stale_version_patch_answers_409_and_changes_nothing(deals):
    app = deals.client.application
    created = create(deals, "deal", {"title": "Pumps", "amount": "100.00"})
    current = deals.patch(url(created["id"]), json={"amount": "120.00", "version": 1}).get_json()
    events = len(record_events(app))

    response = deals.patch(url(created["id"]), json={"amount": "999.00", "version": 1})
    body = assert_problem(response, 409, "stale_version")
    assert "2" in body["detail"]
    assert deals.get(url(created["id"])).get_json() == current
    assert len(record_events(app)) == events
    assert len(deals.get(f"{url(created['id'])}/history").get_json()["items"]) == 2


def test_stale_if_match_patch_answers_409_and_changes_nothing(deals):
    created = create(deals, "deal", {"title": "Pumps"})
    current = deals.patch(url(created["id"]), json={"title": "Pumps v2"}).get_json()
    response = deals.patch(url(created["id"]), json={"title": "Pumps v3"}, headers={"If-Match": '"1"'})
    assert_problem(response, 409, "stale_version")
    assert deals.get(url(created["id"])).get_json() == current


def test_a_matching_if_match_lets_the_patch_through(deals):
    created = create(deals, "deal", {"title": "Pumps"})
    etag = deals.get(url(created["id"])).headers["ETag"]
    response = deals.patch(url(created["id"]), json={"title": "Pumps v2"}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["version"] == 2
    weak = deals.patch(url(created["id"]), json={"title": "Pumps v3"}, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 200


def test_a_malformed_if_match_or_version_is_refused(deals):
    created = create(deals, "deal", {"title": "Pumps"})
    assert_problem(deals.patch(url(created["id"]), json={"title": "x"}, headers={"If-Match": "yesterday"}), 400)
    body = assert_problem(deals.patch(url(created["id"]), json={"title": "x", "version": "one"}), 422,
                          "validation_failed")
    assert "version" in body["errors"]
    assert deals.get(url(created["id"])).get_json() == created


def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_history(deals):
    app = deals.client.application
    created = create(deals, "deal", {"title": "Pumps", "amount": "100.00"})
    events = len(record_events(app))
    response = deals.patch(url(created["id"]), json={"title": "Pumps", "amount": "100"})
    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    assert len(record_events(app)) == events
    assert len(deals.get(f"{url(created['id'])}/history").get_json()["items"]) == 1


def test_stale_if_match_delete_answers_409_and_keeps_the_record(deals):
    created = create(deals, "deal", {"title": "Pumps"})
    deals.patch(url(created["id"]), json={"title": "Pumps v2"})
    assert_problem(deals.delete(url(created["id"]), headers={"If-Match": '"1"'}), 409, "stale_version")
    kept = deals.get(url(created["id"])).get_json()
    assert (kept["title"], kept["version"]) == ("Pumps v2", 2)
    assert deals.delete(url(created["id"]), headers={"If-Match": '"2"'}).status_code == 204
    assert_problem(deals.get(url(created["id"])), 404, "record_not_found")


# -- delete ---------------------------------------------------------------------------------

def test_delete_answers_204_and_the_record_is_gone(deals):
    created = create(deals, "deal", {"title": "Pumps"})
    response = deals.delete(url(created["id"]))
    assert response.status_code == 204 and response.get_data() == b""
    assert_problem(deals.get(url(created["id"])), 404, "record_not_found")
    assert_problem(deals.delete(url(created["id"])), 404, "record_not_found")
    assert records(deals, "deal") == []


def test_the_id_of_a_deleted_record_is_never_given_to_a_new_one(deals):
    """Otherwise the old record's history and events would be read as the new record's."""
    create(deals, "deal", {"title": "first"})
    last = create(deals, "deal", {"title": "second"})
    deals.patch(url(last["id"]), json={"amount": "7.00"})
    assert deals.delete(url(last["id"])).status_code == 204
    newest = create(deals, "deal", {"title": "third"})
    assert newest["id"] != last["id"]
    history = deals.get(f"{url(newest['id'])}/history").get_json()["items"]
    assert [h["action"] for h in history] == ["created"]


# -- unique fields --------------------------------------------------------------------------

def test_a_duplicate_value_in_a_unique_field_answers_409_and_writes_nothing(api):
    app = api.client.application
    define(api, object_doc("account", {"name": "code", "type": "text", "unique": True},
                           {"name": "name", "type": "text"}))
    first = create(api, "account", {"code": "A1", "name": "ACME"})
    other = create(api, "account", {"code": "B2", "name": "Globex"})
    events = len(record_events(app))

    body = assert_problem(api.post(url(obj="account"), json={"code": "A1", "name": "copy"}), 409, "unique_violation")
    assert "code" in body.get("errors", {})
    body = assert_problem(api.patch(url(other["id"], "account"), json={"code": "A1"}), 409, "unique_violation")
    assert "code" in body.get("errors", {})
    assert_problem(api.post(url(obj="account"), json=[{"code": "C3"}, {"code": "A1"}]), 409, "unique_violation")

    assert [(r["code"], r["name"]) for r in records(api, "account")] == [("A1", "ACME"), ("B2", "Globex")]
    assert api.get(url(other["id"], "account")).get_json()["version"] == 1
    assert len(record_events(app)) == events
    assert api.patch(url(first["id"], "account"), json={"code": "A1", "name": "ACME Inc"}).status_code == 200


# -- history --------------------------------------------------------------------------------

def test_history_starts_with_creation_then_one_entry_per_changed_field(deals):
    created = create(deals, "deal", {"title": "Pumps", "amount": "100.00"})
    admin = created["owner"]
    deals.patch(url(created["id"]), json={"amount": "150.00", "stage": "Won", "title": "Pumps"})
    deals.patch(url(created["id"]), json={"title": "Pumps & valves"})

    items = deals.get(f"{url(created['id'])}/history").get_json()["items"]
    assert items[0]["action"] == "created" and items[0]["actor"] == admin
    assert items[0]["at"] == created["created_at"]
    changes = sorted(((i["field"], i["old"], i["new"], i["actor"]) for i in items[1:3]))
    assert changes == [("amount", "100.00", "150.00", admin), ("stage", "Open", "Won", admin)]
    assert [(i["action"], i["field"], i["old"], i["new"]) for i in items[3:]] == [
        ("changed", "title", "Pumps", "Pumps & valves")]
    assert all(i["at"].endswith("Z") for i in items)


# -- lookups and what deleting a parent does --------------------------------------------------

ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True})
OPPORTUNITY = object_doc("opportunity", {"name": "title", "type": "text"},
                         {"name": "account", "type": "lookup", "target": "account", "on_delete": "restrict"})
NOTE = object_doc("note", {"name": "body", "type": "text"},
                  {"name": "account", "type": "lookup", "target": "account", "on_delete": "set_null"})
CONTACT = object_doc("contact", {"name": "name", "type": "text"},
                     {"name": "account", "type": "lookup", "target": "account"})
LINE = object_doc("line", {"name": "qty", "type": "number"},
                  {"name": "account", "type": "master_detail", "target": "account"})
SUBLINE = object_doc("subline", {"name": "part", "type": "text"},
                     {"name": "line", "type": "master_detail", "target": "line"})
SHIPMENT = object_doc("shipment", {"name": "ref", "type": "text"},
                      {"name": "line", "type": "lookup", "target": "line", "on_delete": "restrict"})


def build_crm(api):
    """Publish account, opportunity, note, contact, line, subline and shipment."""
    response = define(api, ACCOUNT, OPPORTUNITY, NOTE, CONTACT, LINE, SUBLINE, SHIPMENT)
    assert response.status_code == 200, response.get_json()
    return {}


database_seed = seeds_for(deals=api_seed("records_api_deals", build_deals),
                          crm=api_seed("records_api_crm", build_crm))


@pytest.fixture
def crm(api):
    """The API with the CRM objects published."""
    return api


def test_a_restricting_lookup_keeps_its_parent_from_being_deleted(crm):
    app = crm.client.application
    account = create(crm, "account", {"name": "ACME"})
    create(crm, "opportunity", {"title": "Big", "account": account["id"]})
    note = create(crm, "note", {"body": "hi", "account": account["id"]})
    line = create(crm, "line", {"qty": 1, "account": account["id"]})
    events = len(record_events(app))

    body = assert_problem(crm.delete(url(account["id"], "account")), 409, "record_in_use")
    assert "opportunity.account" in body["errors"]
    assert crm.get(url(account["id"], "account")).status_code == 200
    assert crm.get(url(note["id"], "note")).get_json() == note
    assert crm.get(url(line["id"], "line")).get_json() == line
    assert len(record_events(app)) == events


def test_a_lookup_without_a_rule_restricts(crm):
    account = create(crm, "account", {"name": "ACME"})
    create(crm, "contact", {"name": "Ann", "account": account["id"]})
    assert_problem(crm.delete(url(account["id"], "account")), 409, "record_in_use")


def test_set_null_clears_the_children_and_records_it_in_their_history(crm):
    app = crm.client.application
    account = create(crm, "account", {"name": "ACME"})
    notes = [create(crm, "note", {"body": f"n{i}", "account": account["id"]}) for i in range(2)]
    other = create(crm, "note", {"body": "other"})

    assert crm.delete(url(account["id"], "account")).status_code == 204
    for note in notes:
        now = crm.get(url(note["id"], "note")).get_json()
        assert (now["account"], now["version"], now["body"]) == (None, 2, note["body"])
        history = crm.get(f"{url(note['id'], 'note')}/history").get_json()["items"]
        assert [(h["field"], h["old"], h["new"], h["actor"]) for h in history[1:]] == [
            ("account", account["id"], None, account["owner"])]
    assert crm.get(url(other["id"], "note")).get_json() == other
    events = [(e["event_type"], e["object"], e["record_id"]) for e in record_events(app)[-3:]]
    assert sorted(events) == sorted([("record.updated", "note", notes[0]["id"]),
                                     ("record.updated", "note", notes[1]["id"]),
                                     ("record.deleted", "account", account["id"])])


def test_master_detail_cascades_to_details_and_their_details(crm):
    app = crm.client.application
    acme, other = create(crm, "account", {"name": "ACME"}), create(crm, "account", {"name": "Other"})
    lines = [create(crm, "line", {"qty": i, "account": acme["id"]}) for i in range(2)]
    kept_line = create(crm, "line", {"qty": 9, "account": other["id"]})
    sub = create(crm, "subline", {"part": "bolt", "line": lines[0]["id"]})
    before = len(record_events(app))

    assert crm.delete(url(acme["id"], "account")).status_code == 204
    assert [r["id"] for r in records(crm, "line")] == [kept_line["id"]]
    assert records(crm, "subline") == []
    deleted = sorted((e["object"], e["record_id"]) for e in record_events(app)[before:])
    assert deleted == sorted([("account", acme["id"]), ("line", lines[0]["id"]), ("line", lines[1]["id"]),
                              ("subline", sub["id"])])
    assert all(e["event_type"] == "record.deleted" for e in record_events(app)[before:])


def test_a_restriction_below_a_cascade_refuses_the_whole_delete(crm):
    app = crm.client.application
    account = create(crm, "account", {"name": "ACME"})
    line = create(crm, "line", {"qty": 1, "account": account["id"]})
    note = create(crm, "note", {"body": "n", "account": account["id"]})
    create(crm, "shipment", {"ref": "S1", "line": line["id"]})
    events = len(record_events(app))

    body = assert_problem(crm.delete(url(account["id"], "account")), 409, "record_in_use")
    assert "shipment.line" in body["errors"]
    assert crm.get(url(account["id"], "account")).status_code == 200
    assert crm.get(url(line["id"], "line")).get_json() == line
    assert crm.get(url(note["id"], "note")).get_json() == note
    assert len(record_events(app)) == events


def test_a_lookup_to_a_deleted_record_is_refused(crm):
    account = create(crm, "account", {"name": "ACME"})
    crm.delete(url(account["id"], "account"))
    body = assert_problem(crm.post(url(obj="note"), json={"body": "x", "account": account["id"]}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["account"]


# -- batch create ---------------------------------------------------------------------------

def test_a_batch_creates_every_record_in_order(deals):
    app = deals.client.application
    response = deals.post(url(), json=[{"title": "a", "amount": "1"}, {"title": "b"}, {"title": "c", "stage": "Won"}])
    assert response.status_code == 201
    ids = response.get_json()["ids"]
    assert len(ids) == 3 and ids == sorted(ids)
    assert [(r["id"], r["title"], r["stage"]) for r in records(deals, "deal")] == [
        (ids[0], "a", "Open"), (ids[1], "b", "Open"), (ids[2], "c", "Won")]
    assert [(e["event_type"], e["record_id"]) for e in record_events(app)] == [
        ("record.created", i) for i in ids]


def test_a_batch_with_one_bad_record_creates_none_and_names_it(deals):
    app = deals.client.application
    response = deals.post(url(), json=[{"title": "a"}, {"title": "b", "amount": "abc"}, {"title": "c"}])
    body = assert_problem(response, 422, "validation_failed")
    assert list(body["errors"]) == ["[1].amount"]
    assert row_count(app, "deal") == 0 and record_events(app) == []


def test_a_batch_reports_every_bad_record_at_once(deals):
    response = deals.post(url(), json=[{"title": "a"}, {"amount": "1"}, {"title": "c", "stage": "Maybe"}])
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"[1].title", "[2].stage"}
    assert row_count(deals.client.application, "deal") == 0


def test_a_batch_item_that_is_not_an_object_is_named_by_its_index(deals):
    body = assert_problem(deals.post(url(), json=[{"title": "a"}, "b"]), 422, "validation_failed")
    assert list(body["errors"]) == ["[1]"]
    assert row_count(deals.client.application, "deal") == 0


def test_a_batch_with_a_missing_lookup_target_creates_none(crm):
    app = crm.client.application
    account = create(crm, "account", {"name": "ACME"})
    response = crm.post(url(obj="note"), json=[{"body": "a", "account": account["id"]},
                                               {"body": "b", "account": 999}])
    body = assert_problem(response, 422, "validation_failed")
    assert list(body["errors"]) == ["[1].account"]
    assert row_count(app, "note") == 0


def test_an_empty_batch_or_one_larger_than_the_limit_is_refused(database_url):
    from tessera.runtime.identity.users import create_token, create_user
    from tests.conftest import Api

    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "MAX_BATCH_SIZE": 2})
    try:
        with app.extensions["tessera"].write() as conn:
            token = create_token(conn, create_user(conn, "admin", is_admin=True))
        api = Api(app.test_client(), token)
        define(api, DEAL)
        assert_problem(api.post(url(), json=[]), 400)
        assert_problem(api.post(url(), json=[{"title": "a"}, {"title": "b"}, {"title": "c"}]), 400)
        assert row_count(app, "deal") == 0
        assert api.post(url(), json=[{"title": "a"}, {"title": "b"}]).status_code == 201
    finally:
        app.extensions["tessera"].dispose()

