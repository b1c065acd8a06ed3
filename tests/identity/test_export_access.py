"""Counts, aggregates and exports obey record- and field-level access exactly as lists do."""

import csv
import io
import json

import pytest

from tests.identity.conftest import url
from tests.platform.support import assert_problem, check_each

COUNT, AGGREGATE, EXPORT = url() + "/count", url() + "/aggregate", url() + "/export"
ROUTES = (COUNT, AGGREGATE, EXPORT)


@pytest.fixture
def deals(org):
    """Deals of alice and bob (East), dave (West) and carol; the administrator set every margin."""
    made = {"alice": [org.create("alice", title="a1", amount="100.10", region="East"),
                      org.create("alice", title="a2", amount="0.05", region="East")],
            "bob": [org.create("bob", title="b1", amount="7.00", region="East")],
            "dave": [org.create("dave", title="d1", amount="1000.00", region="West")],
            "carol": [org.create("carol", title="c1", amount="3.30", region="North")]}
    for ids in made.values():
        for record_id in ids:
            assert org.admin.patch(url(record_id), json={"margin": "9.99"}).status_code == 200
    return made


def listed(client, **params):
    response = client.get(url(), query_string={"limit": 1000, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def csv_table(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))


def test_each_user_counts_aggregates_and_exports_exactly_the_records_they_may_list(org, deals):
    def check(username):
        client = org.admin if username == "admin" else org[username]
        items = listed(client)
        assert client.get(COUNT).get_json() == {"count": len(items)}
        groups = client.get(AGGREGATE, query_string={"group_by": "region", "measures": "count"}).get_json()["groups"]
        assert {g["region"]: g["count"] for g in groups} == \
            {r: sum(1 for i in items if i["region"] == r) for r in {i["region"] for i in items}}
        assert [int(row[0]) for row in csv_table(client.get(EXPORT))[1:]] == [i["id"] for i in items]

    check_each(["admin", "alice", "bob", "carol", "dave", "vera", "wendy"], check)


def test_a_rep_sees_only_their_own_rows_and_a_manager_what_the_role_tree_and_rules_give(org, deals):
    assert org["alice"].get(COUNT).get_json() == {"count": 2}
    assert org["alice"].get(AGGREGATE, query_string={"measures": "sum:amount"}).get_json() == \
        {"groups": [{"sum_amount": "100.15"}]}
    carol = org["carol"].get(AGGREGATE, query_string={"group_by": "region", "measures": "count,sum:amount"})
    assert carol.get_json()["groups"] == [
        {"region": "East", "count": 3, "sum_amount": "107.15"},
        {"region": "North", "count": 1, "sum_amount": "3.30"},
        {"region": "West", "count": 1, "sum_amount": "1000.00"}]
    assert org.admin.get(COUNT).get_json() == {"count": 5}
    assert org["dave"].get(COUNT, query_string={"region": "East"}).get_json() == {"count": 0}


HIDDEN = [
    (COUNT, {"margin": "9.99"}), (COUNT, {"filter": "margin > 1"}),
    (AGGREGATE, {"group_by": "margin"}), (AGGREGATE, {"group_by": "region,margin"}),
    (AGGREGATE, {"measures": "sum:margin"}), (AGGREGATE, {"measures": "count,max:margin"}),
    (AGGREGATE, {"margin": "9.99"}), (AGGREGATE, {"filter": "margin > 1"}),
    (EXPORT, {"fields": "title,margin"}), (EXPORT, {"sort": "-margin"}), (EXPORT, {"margin": "9.99"}),
    (EXPORT, {"filter": "margin > 1", "format": "jsonl"}),
]


def test_a_hidden_field_is_refused_with_403_without_naming_it(org, deals):
    def check(case):
        route, params = case
        body = assert_problem(org["alice"].get(route, query_string=params), 403, "field_access_denied")
        assert "margin" not in json.dumps(body, ensure_ascii=False)
        assert "9.99" not in json.dumps(body)

    check_each(HIDDEN, check)
    assert org.admin.get(AGGREGATE, query_string={"measures": "sum:margin"}).get_json() == \
        {"groups": [{"sum_margin": "49.95"}]}


def test_hidden_fields_are_absent_from_export_columns(org, deals):
    header = csv_table(org["alice"].get(EXPORT))[0]
    assert header == ["id", "title", "amount", "discount", "region", "notes"]
    assert "margin" in csv_table(org.admin.get(EXPORT))[0]
    lines = org["alice"].get(EXPORT, query_string={"format": "jsonl"}).get_data(as_text=True).splitlines()
    assert all("margin" not in json.loads(line) for line in lines) and len(lines) == 2


def test_a_read_only_token_may_count_aggregate_and_export(org, deals):
    reader = org.client_for("alice", scope="read")
    assert reader.get(COUNT).get_json() == {"count": 2}
    assert reader.get(AGGREGATE, query_string={"measures": "sum:amount"}).get_json() == \
        {"groups": [{"sum_amount": "100.15"}]}
    assert [row[1] for row in csv_table(reader.get(EXPORT))] == ["title", "a1", "a2"]
    (entry,) = org.admin.get("/api/v1/audit", query_string={"event": "records.exported"}).get_json()["items"]
    assert entry["actor_id"] == org.ids["alice"] and entry["details"]["rows"] == 2


def test_a_token_limited_to_other_objects_is_refused_as_for_lists(org, deals):
    accounts_only = org.client_for("alice", objects=["account"])
    assert_problem(accounts_only.get(url()), 403, "token_scope_exceeded")
    for route in ROUTES:
        assert_problem(accounts_only.get(route), 403, "token_scope_exceeded")
    assert org.admin.get("/api/v1/audit", query_string={"event": "records.exported"}).get_json()["items"] == []


def test_a_user_without_the_read_right_is_refused(org, deals):
    response = org.admin.post("/api/v1/users", json={"username": "outsider", "team": "east"})
    assert response.status_code == 201, response.get_json()
    org.ids["outsider"] = response.get_json()["id"]
    outsider = org.client_for("outsider")
    for route in ROUTES:
        assert_problem(outsider.get(route), 403, "permission_denied")


def test_anonymous_requests_are_refused_with_401(org, deals):
    for route in ROUTES:
        assert_problem(org.app.test_client().get(route), 401, "unauthenticated")


def test_a_reps_export_is_audited_with_the_rows_they_received(org, deals):
    assert len(csv_table(org["alice"].get(EXPORT, query_string={"region": "East"}))) == 3
    (entry,) = org.admin.get("/api/v1/audit", query_string={"event": "records.exported"}).get_json()["items"]
    assert entry["actor_id"] == org.ids["alice"] and entry["object"] == "opportunity"
    assert entry["details"]["rows"] == 2 and entry["details"]["filters"] == {"region": "East"}


def test_each_user_finds_the_three_routes_in_their_openapi_document(org, deals):
    paths = org["alice"].get("/api/v1/openapi.json").get_json()["paths"]
    for route in ROUTES:
        assert "get" in paths[route]
    assert "margin" not in json.dumps({route: paths[route] for route in ROUTES})
    scoped = org.client_for("alice", objects=["account"]).get("/api/v1/openapi.json").get_json()["paths"]
    assert not any(route in scoped for route in ROUTES)
