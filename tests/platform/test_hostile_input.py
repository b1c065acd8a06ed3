"""Hostile input is refused with a clear 4xx problem document and changes nothing.

Ids past the 64-bit range, NUL characters, deeply nested JSON, unknown multi-picklist
options, more decimal places than a field's scale and over-long chunked bodies each answer
the same status, code and field path on SQLite and on PostgreSQL, and leave every row as
it was.
"""

import json
from base64 import urlsafe_b64encode

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from tessera.runtime import Context
from tessera.runtime.errors import RecordInvalid
from tessera.runtime.fields.loaders import build_loader
from tessera.runtime.schema.system_tables import token, user
from tests.helpers import define, object_doc
from tests.platform.support import (
    assert_problem, check_each, create, raw_rows, record_events, row_count, runtime_of,
)

BIG = 99999999999999999999
MAX_ID = 2**63 - 1
ACCOUNT = object_doc("account", {"name": "name", "type": "text"})
OPPORTUNITY_FIELDS = [
    {"name": "title", "type": "text", "max_length": 100},
    {"name": "account", "type": "lookup", "target": "account"},
    {"name": "amount", "type": "currency"},
    {"name": "quantity", "type": "number", "precision": 10, "scale": 3},
    {"name": "rate", "type": "percent"},
    {"name": "products", "type": "multi_picklist", "options": ["Pumps", "Valves", "Sensors"]},
    {"name": "signed_at", "type": "datetime"},
]
OPPORTUNITY = object_doc("opportunity", *OPPORTUNITY_FIELDS)
RECORDS = "/api/v1/objects/opportunity/records"


@pytest.fixture
def crm(api, app):
    """Published account and opportunity, with one record of each."""
    assert define(api, ACCOUNT, OPPORTUNITY).status_code == 200
    account = create(api, "account", {"name": "ACME"})
    opportunity = create(api, "opportunity", {"title": "Pumps", "account": account["id"], "amount": "10.00"})
    return {"account": account["id"], "opportunity": opportunity}


def unchanged(app, crm):
    """Assert the opportunity table and the record events are as the fixture left them."""
    assert row_count(app, "opportunity") == 1
    assert [e["event_type"] for e in record_events(app)] == ["record.created", "record.created"]
    [row] = raw_rows(app, "opportunity", "title", "amount", "account", "version")
    assert (row["title"], row["account"], row["version"]) == ("Pumps", crm["account"], 1)


def raw_json(api, method, path, text, **kw):
    """Send ``text`` verbatim as a JSON body (for numbers and escapes json= cannot write)."""
    return getattr(api, method)(path, data=text, content_type="application/json", **kw)


def cursor(values):
    """A list cursor holding ``values``, encoded as the API encodes its own."""
    return urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def system_rows(app, table):
    """How many rows a system table holds."""
    with runtime_of(app).engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


# -- ids beyond the 64-bit range ------------------------------------------------------------

def test_a_record_id_beyond_64_bits_answers_404_not_found_on_every_record_route(api, app, crm):
    url = f"{RECORDS}/{BIG}"
    requests = [("get", url, None), ("patch", url, {"title": "x"}), ("delete", url, None),
                ("get", f"{url}/history", None), ("get", f"{url}/share", None),
                ("post", f"{url}/share", {"user": 1, "access": "read"}), ("delete", f"{url}/share?user=1", None),
                ("post", f"{url}/transfer", {"owner": 1}),
                ("get", f"/api/v1/users/{BIG}", None), ("patch", f"/api/v1/users/{BIG}", {"display_name": "x"}),
                ("delete", f"/api/v1/tokens/{BIG}", None)]

    def check(case):
        method, path, body = case
        response = getattr(api, method)(path, **({"json": body} if body is not None else {}))
        assert_problem(response, 404, "not_found")
        unchanged(app, crm)

    check_each(requests, check)


def test_the_largest_64_bit_id_is_still_looked_up_and_simply_not_found(api, app, crm):
    assert_problem(api.get(f"{RECORDS}/{MAX_ID}"), 404, "record_not_found")
    assert_problem(api.patch(f"{RECORDS}/{MAX_ID}", json={"title": "x"}), 404, "record_not_found")
    assert_problem(api.get(f"{RECORDS}/{MAX_ID + 1}"), 404, "not_found")
    unchanged(app, crm)


def test_a_lookup_beyond_64_bits_is_refused_by_field_in_create_update_and_batch(api, app, crm):
    body = assert_problem(api.post(RECORDS, json={"title": "t", "account": BIG}), 422, "validation_failed")
    assert body["errors"] == {"account": [f"no account record with id {BIG}"]}
    body = assert_problem(api.patch(f"{RECORDS}/{crm['opportunity']['id']}", json={"account": BIG}), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["account"]
    body = assert_problem(api.post(RECORDS, json=[{"title": "a"}, {"title": "b", "account": BIG}]), 422,
                          "validation_failed")
    assert list(body["errors"]) == ["[1].account"]
    unchanged(app, crm)


def test_a_user_id_beyond_64_bits_in_a_transfer_share_manager_or_user_cursor_is_refused(api, app, crm):
    record = f"{RECORDS}/{crm['opportunity']['id']}"
    me = api.get("/api/v1/users/me").get_json()["id"]
    cases = [("post", f"{record}/transfer", {"owner": BIG}, 422, "owner"),
             ("post", f"{record}/share", {"user": BIG}, 422, "user"),
             ("delete", f"{record}/share?user={BIG}", None, 422, "user"),
             ("patch", f"/api/v1/users/{me}", {"manager": BIG}, 422, "manager"),
             ("get", f"/api/v1/users?cursor={BIG}", None, 422, "cursor")]

    def check(case):
        method, path, body, status, field = case
        response = getattr(api, method)(path, **({"json": body} if body is not None else {}))
        assert list(assert_problem(response, status)["errors"]) == [field]
        unchanged(app, crm)

    check_each(cases, check)


def test_an_id_beyond_64_bits_in_a_filter_or_a_cursor_is_an_invalid_query(api, crm):
    cases = [({"account": str(BIG)}, "account"), ({"cursor": cursor([BIG])}, "cursor"),
             ({"sort": "account", "cursor": cursor([BIG, 1])}, "cursor"),
             ({"sort": "-account", "cursor": cursor([1, BIG])}, "cursor")]

    def check(case):
        params, path = case
        body = assert_problem(api.get(RECORDS, query_string=params), 400, "invalid_query")
        assert list(body["errors"]) == [path]

    check_each(cases, check)


# -- numbers beyond a field's precision or scale ----------------------------------------------

NUMBERS_TOO_LARGE = [("amount", '"1e400"'), ("amount", "1e400"), ("amount", '"' + "9" * 40 + '"'),
                     ("amount", "9" * 40), ("quantity", '"1E+999999999"'), ("rate", "9" * 40),
                     ("rate", '"-1e400"')]


def test_numbers_beyond_a_fields_precision_are_refused_by_field_on_create_and_update(api, app, crm):
    record_url = f"{RECORDS}/{crm['opportunity']['id']}"

    def check(case):
        field, literal = case
        for method, path in (("post", RECORDS), ("patch", record_url)):
            body = assert_problem(raw_json(api, method, path, f'{{"{field}": {literal}}}'), 422, "validation_failed")
            assert list(body["errors"]) == [field], body["errors"]
            assert "digits before the decimal point" in body["errors"][field][0]
        unchanged(app, crm)

    check_each(NUMBERS_TOO_LARGE, check)


def test_a_number_filter_of_absurd_magnitude_is_an_invalid_query(api, crm):
    for text in ("1e200000", "-1e200000", "Infinity", "NaN"):
        body = assert_problem(api.get(RECORDS, query_string={"amount": text}), 400, "invalid_query")
        assert list(body["errors"]) == ["amount"]


EXTRA_DECIMALS = [("amount", '"1.005"', "must have at most 2 decimal places"),
                  ("amount", "1.005", "must have at most 2 decimal places"),
                  ("amount", '"0.001"', "must have at most 2 decimal places"),
                  ("amount", '"1e-400"', "must have at most 2 decimal places"),
                  ("quantity", '"1.0001"', "must have at most 3 decimal places"),
                  ("rate", '"0.12345"', "must have at most 4 decimal places")]


def test_more_decimal_places_than_the_scale_are_refused_not_rounded_while_trailing_zeros_pass(api, app, crm):
    record_url = f"{RECORDS}/{crm['opportunity']['id']}"

    def check(case):
        field, literal, message = case
        one, batch = f'{{"{field}": {literal}}}', f'[{{"title": "ok"}}, {{"{field}": {literal}}}]'
        for method, path, text, key in (("post", RECORDS, one, field), ("patch", record_url, one, field),
                                        ("post", RECORDS, batch, f"[1].{field}")):
            body = assert_problem(raw_json(api, method, path, text), 422, "validation_failed")
            assert body["errors"] == {key: [message]}
        unchanged(app, crm)

    check_each(EXTRA_DECIMALS, check)
    # trailing zeros beyond the scale lose nothing, so they are accepted
    record = create(api, "opportunity", {"title": "z", "amount": "1.000", "quantity": "2.50000", "rate": 1})
    assert (record["amount"], record["quantity"], record["rate"]) == ("1.00", "2.500", "1.0000")


def test_the_decimal_places_message_is_translated(api, crm):
    response = api.post(RECORDS, json={"amount": "1.005"}, headers={"Accept-Language": "zh-CN"})
    assert assert_problem(response, 422, "validation_failed")["errors"] == {"amount": ["小数部分最多 2 位"]}


def test_the_fast_loader_and_the_marshmallow_schema_refuse_the_same_extra_decimals():
    loader = build_loader("opportunity", OPPORTUNITY_FIELDS, partial=True)
    for payload in ({"amount": "1.005"}, {"quantity": "1.0001"}, {"rate": "0.00001"}, {"amount": "1e400"}):
        for load in (loader.load, loader.schema.load):
            with pytest.raises(ValidationError) as caught:
                load(payload)
            assert list(caught.value.messages) == list(payload), (load, payload)


# -- NUL characters and text no database can store -------------------------------------------

def test_nul_in_a_record_body_is_refused_by_field_path(api, app, crm):
    record_url = f"{RECORDS}/{crm['opportunity']['id']}"
    cases = [("post", RECORDS, {"title": "a\u0000b"}, "title"),
             ("patch", record_url, {"title": "a\u0000b"}, "title"),
             ("post", RECORDS, [{"title": "ok"}, {"title": "\u0000"}], "[1].title"),
             ("post", RECORDS, {"products": ["Pumps", "Val\u0000ves"]}, "products[1]"),
             ("post", RECORDS, {"ti\u0000tle": "x"}, "ti\\u0000tle")]

    def check(case):
        method, path, payload, key = case
        body = assert_problem(getattr(api, method)(path, json=payload), 422, "validation_failed")
        assert body["errors"] == {key: ["must not contain NUL characters"]}
        unchanged(app, crm)

    check_each(cases, check)


def test_nul_in_a_query_parameter_is_an_invalid_query(api, app, crm):
    cases = [(f"{RECORDS}?title=a%00b", "title"), (f"{RECORDS}?filter=title%20%3D%20%22a%00b%22", "filter"),
             (f"{RECORDS}?sort=title%00", "sort"), (f"{RECORDS}/{crm['opportunity']['id']}/share?team=a%00b", "team")]

    def check(case):
        path, key = case
        method = "delete" if "share" in path else "get"
        body = assert_problem(getattr(api, method)(path), 400, "invalid_query")
        assert body["errors"] == {key: ["must not contain NUL characters"]}
        unchanged(app, crm)

    check_each(cases, check)


def test_nul_in_a_username_or_token_name_is_refused_and_creates_nobody(api, app):
    users, tokens = system_rows(app, user), system_rows(app, token)
    body = assert_problem(api.post("/api/v1/users", json={"username": "eve\u0000", "password": "x" * 12}), 422,
                          "validation_failed")
    assert body["errors"] == {"username": ["must not contain NUL characters"]}
    body = assert_problem(api.post("/api/v1/tokens", json={"name": "ci\u0000bot"}), 422, "validation_failed")
    assert body["errors"] == {"name": ["must not contain NUL characters"]}
    assert (system_rows(app, user), system_rows(app, token)) == (users, tokens)


def test_nul_in_a_url_path_segment_matches_no_route(api, crm):
    assert_problem(api.get("/api/v1/metadata/object/opportunity%00"), 404, "not_found")
    assert_problem(api.get("/api/v1/objects/opportunity%00/records"), 404, "not_found")


def test_the_records_service_refuses_nul_itself_so_no_caller_stores_it(app, crm):
    rt = runtime_of(app)
    admin = Context(user_id=crm["opportunity"]["owner"], username="admin", is_admin=True)
    with pytest.raises(RecordInvalid) as caught:
        rt.records.create(admin, "opportunity", {"title": "a\u0000b"})
    assert caught.value.errors == {"title": ["must not contain NUL characters"]}
    with pytest.raises(RecordInvalid):
        rt.records.update(admin, "opportunity", crm["opportunity"]["id"], {"title": "\u0000"})
    unchanged(app, crm)


def test_an_unpaired_surrogate_is_refused_by_field_path(api, app, crm):
    body = assert_problem(raw_json(api, "post", RECORDS, '{"title": "a\\ud800b"}'), 422, "validation_failed")
    assert body["errors"] == {"title": ["must be valid Unicode text"]}
    response = raw_json(api, "post", RECORDS, '{"title": "\\ud83d\\ude00"}')  # a pair is an emoji: fine
    assert response.status_code == 201 and response.get_json()["title"] == "\U0001F600"
    assert row_count(app, "opportunity") == 2


# -- deep nesting -----------------------------------------------------------------------------

def test_json_nested_past_the_limit_is_malformed_json_and_within_it_reaches_validation(api, app, crm):
    for text in ("[" * 100000 + "]" * 100000, '{"title": ' + "[" * 200 + "]" * 200 + "}",
                 '{"a":' * 5000 + "1" + "}" * 5000):
        body = assert_problem(raw_json(api, "post", RECORDS, text), 400, "malformed_json")
        assert "nests deeper than" in body["detail"]
    within_limit = '{"title": ' + "[" * 60 + "]" * 60 + "}"
    body = assert_problem(raw_json(api, "post", RECORDS, within_limit), 422, "validation_failed")
    assert list(body["errors"]) == ["title"]
    unchanged(app, crm)


# -- multi-picklist options -------------------------------------------------------------------

def test_an_unknown_multi_picklist_option_is_named_in_a_readable_translated_message(api, app, crm):
    body = assert_problem(api.post(RECORDS, json={"products": ["Pumps", "Nope"]}), 422, "validation_failed")
    assert body["errors"] == {"products": ['"Nope" is not one of the options']}
    response = api.patch(f"{RECORDS}/{crm['opportunity']['id']}", json={"products": ["Nope", 7]},
                         headers={"Accept-Language": "zh-CN"})
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"] == {"products": ['"Nope" 不是可选项之一', '"7" 不是可选项之一']}
    response = api.post(RECORDS, json={"products": ["Pumps", "Pumps"]}, headers={"Accept-Language": "zh-CN"})
    assert assert_problem(response, 422, "validation_failed")["errors"] == {"products": ["值不能重复"]}
    unchanged(app, crm)


# -- datetimes at the edge of the calendar ----------------------------------------------------

def test_a_datetime_that_leaves_the_calendar_in_utc_is_refused_by_field(api, app, crm):
    for text in ("9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00"):
        body = assert_problem(api.post(RECORDS, json={"signed_at": text}), 422, "validation_failed")
        assert list(body["errors"]) == ["signed_at"]
    unchanged(app, crm)


# -- bodies without Content-Length ------------------------------------------------------------

class ChunkedBody:
    """A request body as a server hands over chunked transfer encoding: piece by piece, of unknown length."""

    def __init__(self, pieces):
        self._pieces, self._left = iter(pieces), b""

    def read(self, size=-1):
        if not self._left:
            self._left = next(self._pieces, b"")
        size = len(self._left) if size is None or size < 0 else size
        piece, self._left = self._left[:size], self._left[size:]
        return piece


def post_chunked(api, path, body, piece=1000):
    """POST ``body`` without Content-Length, as gunicorn passes a chunked request to the app."""
    environ = EnvironBuilder(path=path, method="POST", headers={
        "Authorization": f"Bearer {api.token}", "Content-Type": "application/json",
        "Transfer-Encoding": "chunked"}).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = ChunkedBody(body[i:i + piece] for i in range(0, len(body), piece))
    environ["wsgi.input_terminated"] = True  # what gunicorn sets for a chunked body
    return api.client.open(Request(environ))


def padded(payload, size):
    """``payload`` as JSON bytes padded with spaces to exactly ``size`` bytes."""
    text = json.dumps(payload).encode()
    return text + b" " * (size - len(text))


def test_a_chunked_body_over_the_limit_answers_413_like_one_with_content_length_and_up_to_it_is_read(api, app, crm):
    limit = app.config["MAX_CONTENT_LENGTH"] = 4096
    body = assert_problem(post_chunked(api, RECORDS, padded({"title": "big"}, limit + 1)), 413, "payload_too_large")
    assert body["detail"] == f"the request is larger than {limit} bytes"
    assert_problem(post_chunked(api, RECORDS, padded({"title": "huge"}, 50 * limit)), 413, "payload_too_large")
    assert_problem(api.post(RECORDS, data=padded({"title": "big"}, limit + 1), content_type="application/json"),
                   413, "payload_too_large")
    unchanged(app, crm)
    response = post_chunked(api, RECORDS, padded({"title": "fits"}, limit))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "fits"
    assert row_count(app, "opportunity") == 2
