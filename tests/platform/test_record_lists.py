"""Listing records: sort, fields, limit, keyset cursors and equality filters, on both databases."""

import base64
import functools
import json
from decimal import Decimal

import pytest

from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, check_each

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "max_length": 50},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]},
    {"name": "close", "type": "date"},
    {"name": "hot", "type": "boolean"},
)
URL = "/api/v1/objects/deal/records"

AMOUNTS = [None, "100.00", "250.50", "100.00", "0.10"]
STAGES = ["Won", "Lost", "Open", None]


def sample(i):
    """Record ``i`` of 25: ties in every field and NULLs in each."""
    return {
        "title": None if i % 6 == 5 else f"t{(i * 7) % 9}",
        "amount": AMOUNTS[i % 5],
        "stage": STAGES[i % 4],
        "close": None if i % 3 == 0 else f"2026-0{1 + i % 4}-1{i % 2}",
        "hot": None if i % 7 == 0 else i % 2 == 0,
    }


def build_deals(api):
    """Publish ``deal`` with 25 deals; return them as the API lists them (by id)."""
    assert define(api, DEAL).status_code == 200
    response = api.post(URL, json=[sample(i) for i in range(25)])
    assert response.status_code == 201, response.get_json()
    items = api.get(URL, query_string={"limit": 100}).get_json()["items"]
    assert len(items) == 25
    return {"items": items}


database_seed = seeds_for(deals=api_seed("record_lists_deals", build_deals))


@pytest.fixture
def deals(api, seed_data):
    """25 published deals; returns them as the API lists them (by id)."""
    return seed_data["items"]


def parse_sort(text):
    keys = [(part.lstrip("-"), part.startswith("-")) for part in text.split(",") if part]
    if not any(name == "id" for name, _ in keys):
        keys.append(("id", keys[-1][1] if keys else False))
    return keys


def typed(name, value):
    if value is None:
        return None
    return Decimal(value) if name == "amount" else value


def expected_order(items, sort):
    """The order the API promises: NULLs last ascending and first descending; ties broken by id."""
    keys = parse_sort(sort)

    def compare(a, b):
        for name, descending in keys:
            x, y = typed(name, a[name]), typed(name, b[name])
            if x == y:
                continue
            if x is None:
                return -1 if descending else 1
            if y is None:
                return 1 if descending else -1
            result = -1 if x < y else 1
            return -result if descending else result
        return 0

    return [item["id"] for item in sorted(items, key=functools.cmp_to_key(compare))]


def walk(api, limit, **params):
    """Follow next_cursor from the first page to the last; return the pages' ids."""
    pages, cursor = [], None
    while True:
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = api.get(URL, query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert set(body) == {"items", "next_cursor"}
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor never ends"


SORTS = ["-amount,title", "amount", "-amount", "title,-amount", "title", "-title", "stage,-close", "-hot,amount",
         "hot", "-close,hot", "close", "-id", "-created_at"]


def test_walking_every_page_returns_each_record_exactly_once_in_order(api, deals):
    def check(sort):
        pages = walk(api, 7, sort=sort)
        assert [len(page) for page in pages] == [7, 7, 7, 4]
        ids = [i for page in pages for i in page]
        assert ids == expected_order(deals, sort)

    check_each(SORTS, check)


def test_a_single_page_is_sorted_like_the_walk(api, deals):
    items = api.get(URL, query_string={"sort": "-amount,title", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in items] == expected_order(deals, "-amount,title")
    amounts = [i["amount"] for i in items]
    assert amounts[:5] == [None] * 5
    assert amounts[5:] == sorted(amounts[5:], key=Decimal, reverse=True)


def test_nulls_come_last_ascending_and_first_descending(api, deals):
    ascending = api.get(URL, query_string={"sort": "title", "limit": 100}).get_json()["items"]
    descending = api.get(URL, query_string={"sort": "-title", "limit": 100}).get_json()["items"]
    assert ascending[-1]["title"] is None and ascending[0]["title"] is not None
    assert descending[0]["title"] is None and descending[-1]["title"] is not None


def test_the_default_order_is_by_id_and_the_last_page_has_no_cursor(api, deals):
    body = api.get(URL).get_json()
    assert [i["id"] for i in body["items"]] == sorted(i["id"] for i in deals)
    assert body["next_cursor"] is None


def test_an_exact_fit_ends_without_an_empty_page(api, deals):
    pages = walk(api, 5, sort="amount")
    assert [len(page) for page in pages] == [5, 5, 5, 5, 5]


def test_limit_bounds_the_page(api, deals):
    body = api.get(URL, query_string={"limit": 3}).get_json()
    assert len(body["items"]) == 3 and body["next_cursor"]


def test_a_bad_limit_is_refused(api, deals):
    def check(limit):
        body = assert_problem(api.get(URL, query_string={"limit": limit}), 400, "invalid_query")
        assert "limit" in body["errors"]

    check_each(["0", "-1", "abc", "1001", "2.5"], check)


def test_fields_selects_the_fields_returned(api, deals):
    items = api.get(URL, query_string={"fields": "title,amount", "limit": 2}).get_json()["items"]
    for item in items:
        assert {"title", "amount", "id", "version"} <= set(item)
        assert not {"stage", "close", "hot"} & set(item)


def test_an_unknown_sort_or_field_is_an_invalid_query(api, deals):
    def check(case):
        params, key = case
        body = assert_problem(api.get(URL, query_string=params), 400, "invalid_query")
        assert key in body["errors"]
        assert "colour" in json.dumps(body["errors"])

    check_each([({"sort": "colour"}, "sort"), ({"sort": "-amount,colour"}, "sort"),
                ({"fields": "title,colour"}, "fields"), ({"colour": "red"}, "filter")], check)


def encode(values):
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_a_bad_cursor_is_refused(api, deals):
    def check(cursor):
        body = assert_problem(api.get(URL, query_string={"cursor": cursor, "sort": "amount"}), 400, "invalid_query")
        assert "cursor" in body["errors"]

    check_each(["garbage!!", "e30", encode({"a": 1}), encode([1, 2, 3, 4, 5, 6, 7, 8]), encode([False, "abc", 3]),
                encode([False, "1.00", "x"])], check)


def test_a_cursor_from_another_sort_is_refused(api, deals):
    cursor = api.get(URL, query_string={"sort": "amount", "limit": 3}).get_json()["next_cursor"]
    assert_problem(api.get(URL, query_string={"sort": "-amount,title", "cursor": cursor}), 400, "invalid_query")


# -- equality filters -----------------------------------------------------------------------

def test_a_parameter_naming_a_field_filters_by_equality(api, deals):
    won = api.get(URL, query_string={"stage": "Won", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in won] == [d["id"] for d in deals if d["stage"] == "Won"]
    assert won and all(i["stage"] == "Won" for i in won)


def test_equality_filters_are_typed_and_combine(api, deals):
    hits = api.get(URL, query_string={"amount": "100", "stage": "Open", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in hits] == [d["id"] for d in deals if d["amount"] == "100.00" and d["stage"] == "Open"]
    hot = api.get(URL, query_string={"hot": "true", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in hot] == [d["id"] for d in deals if d["hot"] is True]
    dated = api.get(URL, query_string={"close": "2026-02-11", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in dated] == [d["id"] for d in deals if d["close"] == "2026-02-11"]


def test_an_empty_filter_value_matches_nulls(api, deals):
    hits = api.get(URL, query_string={"stage": "", "limit": 100}).get_json()["items"]
    assert [i["id"] for i in hits] == [d["id"] for d in deals if d["stage"] is None]


def test_a_filter_value_of_the_wrong_type_is_an_invalid_query(api, deals):
    assert_problem(api.get(URL, query_string={"amount": "lots"}), 400, "invalid_query")
    assert_problem(api.get(URL, query_string={"close": "soon"}), 400, "invalid_query")


def test_filters_and_cursors_walk_together(api, deals):
    pages = walk(api, 2, sort="-amount,title", stage="Won")
    ids = [i for page in pages for i in page]
    won = [d for d in deals if d["stage"] == "Won"]
    assert ids == expected_order(won, "-amount,title")
