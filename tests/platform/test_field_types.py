"""Every field type survives a round trip through the API, and bad input for each is refused.

A refused record answers 422 ``validation_failed`` with ``errors`` keyed by the field
name, and writes neither a row nor an outbox event.
"""

import re
from datetime import datetime, timezone

import pytest

from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, check_each, create, raw_rows, record_events, records, row_count

FIELDS = [
    {"name": "title", "type": "text", "required": True, "max_length": 20},
    {"name": "notes", "type": "long_text", "max_length": 50},
    {"name": "quantity", "type": "number", "precision": 10, "scale": 3},
    {"name": "amount", "type": "currency", "scale": 2},
    {"name": "rate", "type": "percent"},
    {"name": "active", "type": "boolean"},
    {"name": "due", "type": "date"},
    {"name": "signed_at", "type": "datetime"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]},
    {"name": "products", "type": "multi_picklist", "options": ["Pumps", "Valves", "Sensors"]},
    {"name": "contact", "type": "email"},
    {"name": "phone", "type": "phone"},
    {"name": "website", "type": "url"},
    {"name": "account", "type": "lookup", "target": "account"},
    {"name": "rep", "type": "user"},
    {"name": "number", "type": "auto_number", "format": "CT-{YYYY}-{0000}"},
]
ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True})
LINE = object_doc("line", {"name": "account", "type": "master_detail", "target": "account"},
                  {"name": "qty", "type": "number"})


def build_model(api):
    """Publish ``account``, ``specimen`` and ``line``; create the account ACME."""
    response = define(api, ACCOUNT, object_doc("specimen", *FIELDS), LINE)
    assert response.status_code == 200, response.get_json()
    account = create(api, "account", {"name": "ACME"})
    return {"account": account["id"], "admin": account["owner"]}


database_seed = seeds_for(model=api_seed("field_types_model", build_model))


@pytest.fixture
def model(api, seed_data):
    """Published ``account``, ``specimen`` (every field type) and ``line`` (a detail of account)."""
    return seed_data


def this_year():
    return datetime.now(timezone.utc).year


def full_payload(model):
    return {
        "title": "Pump retrofit",
        "notes": "Second floor, 长期客户",
        "quantity": "1234567.891",
        "amount": "1234567890123.45",
        "rate": "0.15",
        "active": False,
        "due": "2026-10-02",
        "signed_at": "2026-10-02T09:30:00+08:00",
        "stage": "Won",
        "products": ["Valves", "Pumps"],
        "contact": "buyer@example.com",
        "phone": "+86 (21) 5555-0100",
        "website": "https://example.com/acme?x=1",
        "account": model["account"],
        "rep": model["admin"],
    }


EXPECTED = {
    "title": "Pump retrofit",
    "notes": "Second floor, 长期客户",
    "quantity": "1234567.891",
    "amount": "1234567890123.45",
    "rate": "0.1500",
    "active": False,
    "due": "2026-10-02",
    "signed_at": "2026-10-02T01:30:00Z",
    "stage": "Won",
    "products": ["Valves", "Pumps"],
    "contact": "buyer@example.com",
    "phone": "+86 (21) 5555-0100",
    "website": "https://example.com/acme?x=1",
}


def test_every_field_type_round_trips_through_create_get_and_list(api, model):
    created = create(api, "specimen", full_payload(model))
    expected = {**EXPECTED, "account": model["account"], "rep": model["admin"],
                "number": f"CT-{this_year()}-0001"}
    assert {k: created[k] for k in expected} == expected
    fetched = api.get(f"/api/v1/objects/specimen/records/{created['id']}").get_json()
    assert fetched == created
    assert records(api, "specimen") == [created]
    [row] = raw_rows(api.client.application, "specimen", "products", "active")
    assert row["products"] == "Valves;Pumps"
    assert row["active"] in (False, 0)


def test_a_record_carries_its_system_fields_and_null_for_fields_left_out(api, model):
    created = create(api, "specimen", {"title": "Bare"})
    assert created["id"] >= 1 and created["version"] == 1
    assert created["owner"] == created["created_by"] == created["updated_by"] == model["admin"]
    assert created["created_at"].endswith("Z") and created["updated_at"].endswith("Z")
    for field in FIELDS:
        if field["name"] not in ("title", "number"):
            assert created[field["name"]] is None, field["name"]


def test_optional_fields_may_be_set_to_null(api, model):
    payload = {name: None for name in EXPECTED if name != "title"}
    created = create(api, "specimen", {"title": "Nulls", **payload, "account": None, "rep": None})
    assert all(created[name] is None for name in payload)


def test_currency_is_exact_and_written_as_a_decimal_string(api, model):
    def check(case):
        sent, returned = case
        created = create(api, "specimen", {"title": "Money", "amount": sent})
        assert created["amount"] == returned
        assert api.get(f"/api/v1/objects/specimen/records/{created['id']}").get_json()["amount"] == returned

    check_each([(12.5, "12.50"), ("0.1", "0.10"), (100, "100.00"), ("-7.25", "-7.25"),
                ("999999999999.99", "999999999999.99")], check)


def test_money_arithmetic_stays_exact_across_records(api, model):
    for value in ("0.10", "0.20", "0.30"):
        create(api, "specimen", {"title": "cents", "amount": value})
    from decimal import Decimal
    total = sum(Decimal(item["amount"]) for item in records(api, "specimen"))
    assert total == Decimal("0.60")


def test_number_and_percent_keep_their_declared_scale(api, model):
    assert create(api, "specimen", {"title": "n", "quantity": "0.5"})["quantity"] == "0.500"
    assert create(api, "specimen", {"title": "n", "quantity": -42})["quantity"] == "-42.000"
    assert create(api, "specimen", {"title": "p", "rate": "0.125"})["rate"] == "0.1250"


def test_datetimes_with_offsets_are_stored_and_returned_in_utc(api, model):
    def check(case):
        sent, returned = case
        created = create(api, "specimen", {"title": "t", "signed_at": sent})
        assert created["signed_at"] == returned
        assert api.get(f"/api/v1/objects/specimen/records/{created['id']}").get_json()["signed_at"] == returned

    check_each([
        ("2026-10-02T09:30:00+08:00", "2026-10-02T01:30:00Z"),
        ("2026-12-31T22:00:00-05:00", "2027-01-01T03:00:00Z"),
        ("2026-10-02T09:30:00Z", "2026-10-02T09:30:00Z"),
        ("2026-10-02T09:30:00", "2026-10-02T09:30:00Z"),
        ("2026-10-02T09:30:00.250+00:00", "2026-10-02T09:30:00.250000Z"),
    ], check)


def test_boolean_true_and_false_are_both_kept(api, model):
    assert create(api, "specimen", {"title": "yes", "active": True})["active"] is True
    assert create(api, "specimen", {"title": "no", "active": False})["active"] is False


def test_multi_picklist_goes_in_and_out_as_a_list(api, model):
    created = create(api, "specimen", {"title": "m", "products": ["Sensors"]})
    assert created["products"] == ["Sensors"]
    patched = api.patch(f"/api/v1/objects/specimen/records/{created['id']}",
                        json={"products": ["Pumps", "Valves", "Sensors"]})
    assert patched.get_json()["products"] == ["Pumps", "Valves", "Sensors"]
    assert create(api, "specimen", {"title": "none", "products": []})["products"] == []


def test_filtering_a_multi_picklist_by_one_option_finds_every_record_that_includes_it(api, model):
    for title, products in (("a", ["Pumps"]), ("b", ["Valves", "Pumps"]), ("c", ["Sensors"]), ("d", [])):
        create(api, "specimen", {"title": title, "products": products})

    def titles(option):
        response = api.get("/api/v1/objects/specimen/records", query_string={"products": option})
        assert response.status_code == 200, response.get_json()
        return sorted(r["title"] for r in response.get_json()["items"])

    assert titles("Pumps") == ["a", "b"]
    assert titles("Sensors") == ["c"]
    assert titles("Pump") == [] and titles("%") == []
    assert_problem(api.get("/api/v1/objects/specimen/records", query_string={"products": "Pumps;Valves"}),
                   400, "invalid_query")


def test_auto_numbers_follow_the_format_and_increase(api, model):
    numbers = [create(api, "specimen", {"title": f"r{i}"})["number"] for i in range(3)]
    assert numbers == [f"CT-{this_year()}-000{i}" for i in (1, 2, 3)]
    batch = api.post("/api/v1/objects/specimen/records", json=[{"title": "b1"}, {"title": "b2"}])
    assert batch.status_code == 201
    assert [item["number"] for item in records(api, "specimen")][-2:] == [
        f"CT-{this_year()}-0004", f"CT-{this_year()}-0005"]


def test_a_failed_create_does_not_use_up_an_auto_number(api, model):
    create(api, "specimen", {"title": "first"})
    assert_problem(api.post("/api/v1/objects/specimen/records", json={"title": "bad", "rep": 999}), 422)
    assert create(api, "specimen", {"title": "second"})["number"] == f"CT-{this_year()}-0002"


def test_auto_number_is_read_only(api, model):
    created = create(api, "specimen", {"title": "r"})
    body = assert_problem(api.post("/api/v1/objects/specimen/records", json={"title": "x", "number": "CT-1"}),
                          422, "validation_failed")
    assert list(body["errors"]) == ["number"]
    body = assert_problem(api.patch(f"/api/v1/objects/specimen/records/{created['id']}", json={"number": "CT-1"}),
                          422, "validation_failed")
    assert list(body["errors"]) == ["number"]
    assert api.get(f"/api/v1/objects/specimen/records/{created['id']}").get_json()["number"] == created["number"]


def test_lookup_user_and_master_detail_hold_record_ids(api, model):
    line = create(api, "line", {"account": model["account"], "qty": 3})
    assert line["account"] == model["account"]
    specimen = create(api, "specimen", {"title": "rel", "account": model["account"], "rep": model["admin"]})
    assert (specimen["account"], specimen["rep"]) == (model["account"], model["admin"])


# -- bad input ------------------------------------------------------------------------------

BAD_VALUES = [
    ("title", 123), ("title", "x" * 21), ("title", ["a"]),
    ("notes", "x" * 51), ("notes", {"a": 1}),
    ("quantity", "abc"), ("quantity", "12345678"), ("quantity", True),
    ("amount", "abc"), ("amount", "NaN"), ("amount", "Infinity"), ("amount", [1]),
    ("rate", "abc"), ("rate", "15%"),
    ("active", "maybe"), ("active", 2), ("active", 0), ("active", 1), ("active", "true"),
    ("due", "2026-13-01"), ("due", "yesterday"), ("due", 20261002),
    ("signed_at", "not a time"), ("signed_at", "2026-02-30T10:00:00Z"),
    ("stage", "Maybe"), ("stage", "won"), ("stage", 5),
    ("products", "Pumps"), ("products", ["Pumps", "Nope"]), ("products", ["Pumps", "Pumps"]),
    ("contact", "not-an-email"), ("contact", 5),
    ("phone", "call me maybe"),
    ("website", "not a url"), ("website", ""), ("website", "ftp://example.com"), ("website", "http://[::1"),
    ("contact", ""), ("phone", ""),
    ("account", 999), ("account", "abc"), ("account", 0), ("account", 1.5),
    ("rep", 999), ("rep", "admin"),
    ("number", "CT-2026-9999"),
    ("colour", "red"),
]


def test_bad_input_for_every_type_is_refused_by_field_and_writes_nothing(api, app, model):
    def check(case):
        field, value = case
        rows, events = row_count(app, "specimen"), len(record_events(app))
        response = api.post("/api/v1/objects/specimen/records", json={"title": "ok", field: value})
        body = assert_problem(response, 422, "validation_failed")
        assert list(body["errors"]) == [field], body["errors"]
        assert (row_count(app, "specimen"), len(record_events(app))) == (rows, events)

    check_each(BAD_VALUES, check)
    assert row_count(app, "specimen") == 0


def test_a_missing_required_field_is_refused(api, app, model):
    body = assert_problem(api.post("/api/v1/objects/specimen/records", json={"notes": "no title"}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["title"]
    body = assert_problem(api.post("/api/v1/objects/specimen/records", json={"title": None}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["title"]
    assert row_count(app, "specimen") == 0
    assert [e for e in record_events(app) if e["object"] == "specimen"] == []


def test_every_bad_field_of_one_record_is_reported_at_once(api, app, model):
    response = api.post("/api/v1/objects/specimen/records",
                        json={"amount": "abc", "stage": "Maybe", "colour": "red"})
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"title", "amount", "stage", "colour"}
    assert row_count(app, "specimen") == 0


def test_bad_input_to_patch_is_refused_and_changes_nothing(api, app, model):
    created = create(api, "specimen", {"title": "keep", "amount": "5.00", "stage": "Open",
                                       "account": model["account"]})
    events = len(record_events(app))

    def check(case):
        field, value = case
        response = api.patch(f"/api/v1/objects/specimen/records/{created['id']}", json={field: value})
        body = assert_problem(response, 422, "validation_failed")
        assert list(body["errors"]) == [field], body["errors"]
        assert api.get(f"/api/v1/objects/specimen/records/{created['id']}").get_json() == created
        assert len(record_events(app)) == events

    check_each([("title", "x" * 21), ("amount", "abc"), ("stage", "Maybe"), ("account", 999), ("title", None),
                ("colour", "red"), ("number", "CT-1"), ("products", ["Nope"]), ("rep", 999)], check)


def test_a_detail_record_needs_its_master(api, app, model):
    body = assert_problem(api.post("/api/v1/objects/line/records", json={"qty": 1}), 422, "validation_failed")
    assert list(body["errors"]) == ["account"]
    body = assert_problem(api.post("/api/v1/objects/line/records", json={"account": None, "qty": 1}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["account"]
    body = assert_problem(api.post("/api/v1/objects/line/records", json={"account": 999}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["account"]
    assert row_count(app, "line") == 0



@pytest.mark.parametrize("field, good, bad", [
    ("website", "http://localhost:8080/a?b#c", ["", "example.com", "http://", "http://[::1]/", "http://a/b c"]),
    ("contact", "ä@b", ["", "a@", "a b@c"]),
    ("phone", "+86 (21) 5555", ["", "12", "call me"]),
])
def test_url_email_and_phone_accept_exactly_what_the_documents_pattern_does(api, app, model, field, good, bad):
    schema = api.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["specimen_create"]
    pattern = re.compile(schema["properties"][field]["pattern"])
    created = api.post("/api/v1/objects/specimen/records", json={"title": "ok", field: good})
    assert pattern.search(good) and created.status_code == 201, created.get_json()
    for value in bad:
        assert not pattern.search(value), value
        response = api.post("/api/v1/objects/specimen/records", json={"title": "no", field: value})
        assert list(assert_problem(response, 422, "validation_failed")["errors"]) == [field]
    assert [r["title"] for r in raw_rows(app, "specimen", "title")] == ["ok"]


def test_a_whole_number_written_with_a_fraction_is_that_integer(api, model):
    created = api.post("/api/v1/objects/specimen/records",
                       json={"title": "ok", "account": float(model["account"]), "quantity": 2.0, "amount": 1.50})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["account"], body["quantity"], body["amount"]) == (model["account"], "2.000", "1.50")
