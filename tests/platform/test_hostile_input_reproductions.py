"""The 5xx reproductions found by the hardening review answer 4xx and change nothing; lenient
number spellings are refused; If-Match ``*`` means any version; a 405 names what is allowed;
the document and the server agree where they did not; cursors must fit their sort; the
development server answers its own errors as problem documents and closes a connection
whose body it refused."""

import json
import socket
import time
from base64 import urlsafe_b64encode

import pytest

from tessera.runtime.identity.users import create_token
from tests.conftest import Api
from tests.live_server import serving
from tests.platform.support import assert_problem, create, raw_rows, record_events, row_count, runtime_of
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


@pytest.mark.parametrize("value", ["%D9%A3", "1_0", "%201", "1.0", "true"])
def test_an_equality_filter_on_a_loosely_written_id_is_refused(api, crm, value):
    assert list(assert_problem(api.get(f"{RECORDS}?account={value}"), 400, "invalid_query")["errors"]) == ["account"]


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


# The OpenAPI document and the server agree (schemathesis: tests/platform/test_fuzz_api.py)

def test_creating_a_token_without_a_body_takes_every_default(api, crm):
    operation = api.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/tokens"]["post"]
    assert operation["requestBody"]["required"] is False
    response = api.client.post("/api/v1/tokens", headers={"Authorization": f"Bearer {api.token}"})
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert (made["name"], made["scope"], made["objects"], made["expires_at"]) == ("api", "read_write", None, None)
    assert api.client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {made['token']}"}).status_code == 200


def test_a_token_body_that_is_not_an_object_is_still_refused(api, crm):
    response = api.post("/api/v1/tokens", json=[])
    assert list(assert_problem(response, 422, "validation_failed")["errors"]) == ["$"]


def cursor_of(values):
    return urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("sort, values", [
    ("products", [1, 1]), ("title", [[], 1]), ("title", [{"a": 1}, 1]), ("amount", [True, 1]),
    ("amount", ["1_000", 1]), ("account", ["1", 1]), ("account", [1.5, 1]), ("signed_at", [5, 1]),
    ("title", ["x", "1"]), ("title", ["x", True]), ("-version", ["1", 1]),
])
def test_a_cursor_whose_values_are_not_of_their_sort_fields_types_is_refused(api, crm, sort, values):
    response = api.get(f"{RECORDS}?sort={sort}&cursor={cursor_of(values)}")
    assert list(assert_problem(response, 400, "invalid_query")["errors"]) == ["cursor"]


@pytest.mark.parametrize("sort", ["version", "-version", "title", "-amount", "products", "account", "signed_at"])
def test_a_cursor_the_server_made_reaches_the_next_page_for_any_sort(api, crm, sort):
    second = create(api, "opportunity", {"title": "Valves", "amount": "20.00", "products": ["Valves"],
                                         "account": crm["account"], "signed_at": "2026-01-02T03:04:05Z"})
    first_page = api.get(f"{RECORDS}?sort={sort}&limit=1").get_json()
    assert first_page["next_cursor"] is not None
    next_page = api.get(f"{RECORDS}?sort={sort}&limit=1&cursor={first_page['next_cursor']}")
    assert next_page.status_code == 200, next_page.get_json()
    ids = [first_page["items"][0]["id"], next_page.get_json()["items"][0]["id"]]
    assert sorted(ids) == sorted([crm["opportunity"]["id"], second["id"]])


def test_a_cursor_value_may_be_null_where_the_field_is_empty(api, crm):
    response = api.get(f"{RECORDS}?sort=-signed_at&cursor={cursor_of([None, 10**6])}")
    assert response.status_code == 200, response.get_json()
    assert [item["title"] for item in response.get_json()["items"]] == ["Pumps"]


# The development server (``tessera serve``): its own errors, and connections it stops reading

def exchange(base_url, request, *, wait=5.0):
    """Send raw ``request`` bytes; return (the bytes received until the server closed, seconds taken).

    The client never closes first: a server that keeps the connection open shows as ``wait``
    seconds and a socket timeout.
    """
    host, port = base_url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=wait) as conn:
        try:
            conn.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading everything
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except socket.timeout:
            received += b"<timed out>"
        except ConnectionResetError:
            pass
    return received, time.monotonic() - started


def split_answer(received):
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_a_request_line_over_64_kib_answers_414_as_a_problem_document(app):
    cursor = "A" * 100_000
    with serving(app) as base_url:
        received, _ = exchange(base_url, f"GET {RECORDS}?cursor={cursor} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    status, headers, body = split_answer(received)
    assert (status, headers["Content-Type"], headers["Connection"]) == (414, "application/problem+json", "close")
    problem = json.loads(body)
    assert (problem["status"], problem["code"], problem["title"]) == (414, "uri_too_long", "URI too long")
    assert "64 KiB" in problem["detail"]


def test_a_header_line_too_long_answers_431_as_a_problem_document_in_the_readers_locale(app):
    request = (f"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nAccept-Language: zh-CN\r\n"
               f"X-Big: {'y' * 70_000}\r\n\r\n").encode()
    with serving(app) as base_url:
        received, _ = exchange(base_url, request)
    status, headers, body = split_answer(received)
    assert (status, headers["Content-Type"]) == (431, "application/problem+json")
    problem = json.loads(body)
    assert (problem["code"], problem["instance"]) == ("header_fields_too_large", "/api/v1/health")
    assert problem["title"] and problem["detail"]


def test_a_refused_body_gets_413_and_the_server_closes_the_connection_without_waiting(api, crm):
    body = b"x" * (2 * 1024 * 1024)
    request = (f"POST {RECORDS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {api.token}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with serving(api.client.application) as base_url:
        received, seconds = exchange(base_url, request)
    status, headers, answer = split_answer(received)
    assert (status, headers["Connection"]) == (413, "close")
    assert json.loads(answer.removesuffix(b"<timed out>"))["code"] == "payload_too_large"
    assert not received.endswith(b"<timed out>") and seconds < 3
    assert row_count(api.client.application, "opportunity") == 1


def test_an_answer_without_a_body_to_read_closes_the_connection_too(api, crm):
    request = f"GET {RECORDS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {api.token}\r\n\r\n".encode()
    with serving(api.client.application) as base_url:
        received, seconds = exchange(base_url, request)
    status, headers, answer = split_answer(received)
    assert (status, headers["Connection"]) == (200, "close") and seconds < 3
    assert [item["title"] for item in json.loads(answer)["items"]] == ["Pumps"]


@pytest.fixture
def rep(api, app, crm):
    """A client for a user who is no administrator (and holds no rights on objects)."""
    user_id = api.post("/api/v1/users", json={"username": "rita"}).get_json()["id"]
    with runtime_of(app).write() as conn:
        return Api(app.test_client(), create_token(conn, user_id, "test"))


def allowed(client, path):
    """The methods an OPTIONS answer for ``path`` names to ``client``."""
    response = client.client.options(path, headers={"Authorization": f"Bearer {client.token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return set(response.headers["Allow"].split(", "))


def test_allow_names_the_methods_the_callers_document_lists(api, rep):
    assert allowed(api, "/api/v1/roles") == {"GET", "HEAD", "OPTIONS", "POST"}
    assert allowed(rep, "/api/v1/roles") == {"GET", "HEAD", "OPTIONS"}
    response = rep.put("/api/v1/roles", json={})
    assert_problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "post" not in rep.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/roles"]


def test_a_non_administrator_is_refused_before_the_body_is_read(rep):
    for path in ("/api/v1/roles", "/api/v1/teams", "/api/v1/users"):
        assert_problem(rep.client.post(path, headers={"Authorization": f"Bearer {rep.token}"}), 403)
    assert_problem(rep.patch("/api/v1/users/1", json=[]), 403)


def test_the_metadata_routes_own_words_are_no_document_kinds(api, crm):
    assert allowed(api, "/api/v1/metadata/plan") == {"GET", "HEAD", "OPTIONS"}
    assert allowed(api, "/api/v1/metadata/publish") == {"POST", "OPTIONS"}
    assert_problem(api.post("/api/v1/metadata/plan", json={}), 405, "method_not_allowed")


@pytest.mark.parametrize("path, param", [
    ("/api/v1/audit?since=", "since"), ("/api/v1/audit?until=", "until"), ("/api/v1/audit?actor=-1", "actor"),
    ("/api/v1/audit?record_id=%D9%A3", "record_id"), ("/api/v1/audit?event=", "event"), ("/api/v1/audit?limit=", "limit"),
    (RECORDS + "?limit=", "limit"), ("/api/v1/users?active=yes", "active"),
])
def test_a_query_parameter_given_empty_or_malformed_is_refused_not_ignored(api, crm, path, param):
    assert list(assert_problem(api.get(path), 400)["errors"]) == [param]


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/roles", {"name": "east\n"}, "name"), ("/api/v1/teams", {"name": "east\n"}, "name"),
    ("/api/v1/users", {"username": "bob\n"}, "username"), ("/api/v1/users", {"username": "bob", "email": "a@b\n"}, "email"),
])
def test_a_name_or_email_with_a_final_newline_is_refused(api, crm, path, body, field):
    response = api.post(path, json=body)
    assert field in assert_problem(response, 422, "validation_failed")["errors"]
    key = "username" if path == "/api/v1/users" else "name"
    assert [item[key] for item in api.get(path).get_json()["items"] if item[key].startswith(("east", "bob"))] == []
