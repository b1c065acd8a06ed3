"""WORKDAYS(start, end): Mondays to Fridays, both ends included; Python and SQL agree."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tessera_cn_credit_code.workdays import workdays

RECORDS = "/api/v1/objects/task/records"
TASK = {"kind": "object", "name": "task", "fields": [
    {"name": "title", "type": "text"},
    {"name": "starts", "type": "date"},
    {"name": "ends", "type": "date"},
    {"name": "working_days", "type": "formula", "returns": "number", "scale": 0,
     "expression": "WORKDAYS(starts, ends)"},
]}


@pytest.mark.parametrize("start, end, expected", [
    (date(2024, 1, 1), date(2024, 1, 7), 5),    # Monday to Sunday
    (date(2024, 1, 1), date(2024, 1, 1), 1),    # one Monday
    (date(2024, 1, 6), date(2024, 1, 7), 0),    # a weekend
    (date(2024, 1, 5), date(2024, 1, 8), 2),    # Friday to Monday
    (date(2024, 1, 7), date(2024, 1, 1), -5),   # backwards
    (date(2024, 1, 1), date(2024, 12, 31), 262),
    (date(1, 1, 1), date(1, 1, 7), 5),
])
def test_workdays_counts_mondays_to_fridays_including_both_ends(start, end, expected):
    assert workdays(start, end) == Decimal(expected)


def test_workdays_agrees_with_counting_day_by_day():
    rng = random.Random(8)
    for _ in range(300):
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(20000))
        end = start + timedelta(days=rng.randrange(-40, 40))
        low, high = sorted((start, end))
        count = sum((low + timedelta(days=i)).weekday() < 5 for i in range((high - low).days + 1))
        assert workdays(start, end) == (count if end >= start else -count)


def define(client):
    saved = client.call("put", "/api/v1/metadata/object/task", json=TASK)
    assert saved.status_code == 200, saved.get_json()
    published = client.call("post", "/api/v1/metadata/publish", json={})
    assert published.status_code == 200, published.get_json()


def _pairs():
    rng = random.Random(32100)
    pairs = [(date(2024, 1, 1), date(2024, 1, 7)), (date(2024, 1, 7), date(2024, 1, 1)), (date(1, 1, 1), date(1, 1, 8)),
             (date(9999, 12, 20), date(9999, 12, 31)), (None, date(2024, 1, 1)), (date(2024, 1, 1), None)]
    for _ in range(40):
        start = date(1990, 1, 1) + timedelta(days=rng.randrange(15000))
        pairs.append((start, start + timedelta(days=rng.randrange(-30, 400))))
    return pairs


def test_a_workdays_formula_field_reads_the_same_in_sql_as_in_python(client):
    define(client)
    pairs = _pairs()
    for index, (start, end) in enumerate(pairs):
        body = {"title": str(index), "starts": start and start.isoformat(), "ends": end and end.isoformat()}
        assert client.call("post", RECORDS, json=body).status_code == 201
    listed = client.call("get", RECORDS, query_string={"limit": 1000, "sort": "id"}).get_json()["items"]
    for (start, end), item in zip(pairs, listed):
        expected = None if start is None or end is None else str(workdays(start, end))
        assert item["working_days"] == expected, (start, end)


def test_workdays_filters_records_in_the_database(client):
    define(client)
    for title, start, end in (("week", "2024-01-01", "2024-01-07"), ("weekend", "2024-01-06", "2024-01-07"),
                              ("fortnight", "2024-01-01", "2024-01-14")):
        client.call("post", RECORDS, json={"title": title, "starts": start, "ends": end})
    found = client.call("get", RECORDS, query_string={"filter": "WORKDAYS(starts, ends) >= 5", "sort": "title"})
    assert found.status_code == 200, found.get_json()
    assert [item["title"] for item in found.get_json()["items"]] == ["fortnight", "week"]


def test_workdays_is_evaluated_by_the_formula_endpoint(client):
    define(client)
    response = client.call("post", "/api/v1/formula/evaluate", json={
        "object": "task", "expression": "WORKDAYS(starts, ends)",
        "record": {"starts": "2024-02-01", "ends": "2024-02-29"}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"value": "21", "type": "number"}
    with_null = client.call("post", "/api/v1/formula/evaluate", json={
        "object": "task", "expression": "WORKDAYS(starts, ends)", "record": {"starts": "2024-02-01"}})
    assert with_null.get_json()["value"] is None


def test_workdays_takes_dates_only(client):
    define(client)
    response = client.call("post", "/api/v1/formula/check", json={
        "object": "task", "expression": 'WORKDAYS("2024-01-01", ends)'})
    assert response.status_code == 400
    assert response.get_json()["code"] == "formula_error"
