"""The 5xx reproductions found by the hardening review answer 4xx and change nothing; lenient
number spellings are refused; If-Match ``*`` means any version; a 405 names what is allowed."""

import pytest

from tests.platform.support import assert_problem, raw_rows, record_events, row_count
from tests.platform.test_hostile_input import RECORDS, build_crm  # noqa: F401  (one seed for both modules)
from tests.conftest import api_seed, seeds_for

database_seed = seeds_for(crm=api_seed("hostile_crm", build_crm))


@pytest.fixture
def crm(api, app, seed_data):
    """Published account and opportunity, with one record of each."""
    return seed_data


def record_url(crm):
    return f"{RECORDS}/{crm['opportunity']['id']}"


@pytest.mark.parametrize("path", [
    RECORDS + "?limit=%C2%B2", RECORDS + "?limit=%D9%A3", "/api/v1/audit?limit=%C2%B2",
])
def test_a_limit_in_other_than_ascii_digits_is_refused(api, crm, path):
    assert_problem(api.get(path), 400, "invalid_query")


def test_a_user_cursor_in_other_than_ascii_digits_is_refused(api, crm):
    assert_problem(api.get("/api/v1/users?cursor=%C2%B2"), 422)


@pytest.mark.parametrize("amount", ["1_000", " 12 ", "١٢٣", "+", "1e", "0x10"])
def test_an_amount_written_loosely_is_refused_and_nothing_is_stored(api, app, crm, amount):
    response = api.post(RECORDS, json={"title": "loose", "amount": amount})
    body = assert_problem(response, 422, "validation_failed")
    assert list(body["errors"]) == ["amount"]
    assert row_count(app, "opportunity") == 1


def test_an_equality_filter_on_a_loosely_written_amount_is_refused(api, crm):
    assert_problem(api.get(RECORDS + "?amount=1_000"), 400, "invalid_query")


def test_an_if_match_that_is_not_ascii_digits_is_refused(api, app, crm):
    response = api.patch(record_url(crm), json={"title": "x"}, headers={"If-Match": '"\xb2"'})
    assert_problem(response, 400, "bad_request")
    assert [r["title"] for r in raw_rows(app, "opportunity", "title")] == ["Pumps"]


def test_if_match_star_updates_whatever_the_version(api, crm):
    response = api.patch(record_url(crm), json={"title": "any"}, headers={"If-Match": "*"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["title"], response.get_json()["version"]) == ("any", 2)


def test_unsharing_with_a_user_id_in_other_digits_is_refused(api, crm):
    response = api.delete(record_url(crm) + "/share?user=%C2%B2")
    assert list(assert_problem(response, 422)["errors"]) == ["user"]


def test_evaluating_against_a_record_id_beyond_64_bits_answers_404(api, crm):
    body = {"object": "opportunity", "expression": "1", "record_id": 2**63}
    assert_problem(api.post("/api/v1/formula/evaluate", json=body), 404, "record_not_found")


@pytest.mark.parametrize("sort", [",".join(["title"] * 2000), "title,-title", ",".join(["title", "amount"] * 5)])
@pytest.mark.parametrize("route", ["?", "/export?format=csv&"])
def test_a_sort_naming_a_field_twice_or_too_many_fields_is_refused(api, crm, route, sort):
    body = assert_problem(api.get(f"{RECORDS}{route}sort={sort}"), 400, "invalid_query")
    assert list(body["errors"]) == ["sort"]


def test_eight_distinct_sort_keys_are_served(api, crm):
    sort = "title,-amount,quantity,rate,signed_at,created_at,-updated_at,account"
    listed = api.get(f"{RECORDS}?sort={sort}")
    assert listed.status_code == 200 and [i["id"] for i in listed.get_json()["items"]] == [crm["opportunity"]["id"]]


def test_a_method_the_route_does_not_serve_answers_405_naming_the_allowed_ones(api, crm):
    response = api.put(RECORDS, json={})
    assert_problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert [e["event_type"] for e in record_events(api.client.application)][-1] == "record.created"
