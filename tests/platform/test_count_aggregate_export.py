"""Counting, aggregating and exporting records: the list's filters, one SQL statement, exact values."""

import csv
import io
import json
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tessera.runtime.records.export import BATCH_SIZE
from tests.conftest import api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, check_each

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "max_length": 80},
    {"name": "amount", "type": "currency"},
    {"name": "rate", "type": "percent"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won", "Lost"]},
    {"name": "region", "type": "picklist", "options": ["East", "West"]},
    {"name": "close", "type": "date"},
    {"name": "signed_at", "type": "datetime"},
    {"name": "hot", "type": "boolean"},
    {"name": "notes", "type": "long_text"},
    {"name": "products", "type": "multi_picklist", "options": ["Pumps", "Valves"]},
    {"name": "fee", "type": "formula", "returns": "currency", "expression": "amount * rate"},
    {"name": "overdue", "type": "formula", "returns": "boolean", "expression": "close < TODAY()"},
)
BASE = "/api/v1/objects/deal/records"
COUNT, AGGREGATE, EXPORT = f"{BASE}/count", f"{BASE}/aggregate", f"{BASE}/export"

ROWS = [
    {"title": "泵站改造 — 上海", "amount": "1234567890123.45", "rate": "0.1250", "stage": "Won", "region": "East",
     "close": "2024-03-31", "signed_at": "2024-03-30T08:15:00Z", "hot": True, "notes": "多行\n备注, 含逗号 \"引号\"",
     "products": ["Pumps", "Valves"]},
    {"title": "Valve retrofit", "amount": "0.10", "rate": "0.0001", "stage": "Won", "region": "West",
     "close": "2099-01-01", "hot": False},
    {"title": "=SUM(A1)", "amount": "-5.05", "stage": "Open", "region": "East", "close": "2025-06-30"},
    {"title": "Pumps for Ürümqi", "amount": "250000.00", "rate": "0.3333", "stage": "Lost", "region": "West"},
    {"title": "empty", "stage": "Open"},
    {"title": "Won again", "amount": "0.20", "rate": "0.5000", "stage": "Won", "region": "East", "close": "2024-01-01"},
]


def build_deals(api):
    """Publish ``deal`` with ROWS; return them as the list returns them (by id)."""
    assert define(api, DEAL).status_code == 200
    response = api.post(BASE, json=ROWS)
    assert response.status_code == 201, response.get_json()
    return {"items": api.get(BASE, query_string={"limit": 100}).get_json()["items"]}


database_seed = seeds_for(deals=api_seed("aggregate_deals", build_deals))


@pytest.fixture
def deals(api, seed_data):
    """The published deals, as the list returns them (by id)."""
    return seed_data["items"]


def get_json(api, url, **params):
    response = api.get(url, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def rounded(value, places=2):
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# -- count ----------------------------------------------------------------------------------

def test_count_answers_how_many_records_the_list_would_return(api, deals):
    def check(params):
        listed = get_json(api, BASE, limit=1000, **params)["items"]
        assert get_json(api, COUNT, **params) == {"count": len(listed)}

    check_each([{}, {"stage": "Won"}, {"stage": "Won", "region": "East"}, {"amount": "null"},
                {"filter": "amount > 1"}, {"filter": 'stage = "Open"', "region": "East"}, {"filter": "overdue"}], check)
    assert get_json(api, COUNT) == {"count": 6}
    assert get_json(api, COUNT, stage="Lost", region="East") == {"count": 0}


def test_count_and_aggregate_refuse_page_parameters_naming_them(api, deals):
    def check(case):
        url, name = case
        body = assert_problem(api.get(url, query_string={name: "x"}), 400, "invalid_query")
        assert list(body["errors"]) == [name]

    check_each([(url, name) for url in (COUNT, AGGREGATE) for name in ("sort", "fields", "limit", "cursor")], check)


# -- aggregate ------------------------------------------------------------------------------

def test_aggregate_groups_by_a_field_with_exact_decimal_measures(api, deals):
    body = get_json(api, AGGREGATE, group_by="stage", measures="count,sum:amount,avg:amount,min:close,max:amount")
    expected = []
    for stage in ("Lost", "Open", "Won"):
        amounts = [Decimal(d["amount"]) for d in deals if d["stage"] == stage and d["amount"] is not None]
        closes = [d["close"] for d in deals if d["stage"] == stage and d["close"]]
        expected.append({
            "stage": stage, "count": sum(1 for d in deals if d["stage"] == stage),
            "sum_amount": str(sum(amounts)), "avg_amount": str(rounded(sum(amounts) / len(amounts))),
            "min_close": min(closes) if closes else None, "max_amount": str(max(amounts)),
        })
    assert body == {"groups": expected}
    assert body["groups"][2]["sum_amount"] == "1234567890123.75"


def test_aggregate_by_two_fields_orders_groups_by_their_values_nulls_last(api, deals):
    groups = get_json(api, AGGREGATE, group_by="region,stage")["groups"]
    assert [(g["region"], g["stage"], g["count"]) for g in groups] == [
        ("East", "Open", 1), ("East", "Won", 2), ("West", "Lost", 1), ("West", "Won", 1), (None, "Open", 1)]


def test_aggregate_without_group_by_answers_one_group_even_when_nothing_matches(api, deals):
    assert get_json(api, AGGREGATE) == {"groups": [{"count": 6}]}
    assert get_json(api, AGGREGATE, measures="count,sum:amount,max:title", stage="Lost", region="East") == \
        {"groups": [{"count": 0, "sum_amount": None, "max_title": None}]}


def test_aggregate_applies_the_equality_and_formula_filters(api, deals):
    groups = get_json(api, AGGREGATE, group_by="stage", measures="sum:amount", region="East",
                      filter="amount > 0")["groups"]
    assert groups == [{"stage": "Won", "sum_amount": "1234567890123.65"}]


def test_aggregate_groups_on_and_measures_formula_fields_computed_in_sql(api, deals):
    groups = get_json(api, AGGREGATE, group_by="overdue", measures="count,sum:fee,min:rate,max:signed_at")["groups"]
    fees = {d["id"]: Decimal(d["amount"]) * Decimal(d["rate"]) for d in deals if d["amount"] and d["rate"]}
    overdue_fee = sum(rounded(fees[d["id"]]) for d in deals if d["close"] and d["close"] < "2099" and d["id"] in fees)
    assert groups == [
        {"overdue": False, "count": 1, "sum_fee": "0.00", "min_rate": "0.0001", "max_signed_at": None},
        {"overdue": True, "count": 3, "sum_fee": str(overdue_fee), "min_rate": "0.1250",
         "max_signed_at": "2024-03-30T08:15:00Z"},
        {"overdue": None, "count": 2, "sum_fee": "83325.00", "min_rate": "0.3333", "max_signed_at": None},
    ]


def test_aggregate_by_owner_and_measure_of_system_dates(api, deals):
    (group,) = get_json(api, AGGREGATE, group_by="owner", measures="count,min:created_at")["groups"]
    assert group["owner"] == deals[0]["owner"] and group["count"] == 6
    assert group["min_created_at"] == min(d["created_at"] for d in deals)


BAD_AGGREGATES = [
    ({"group_by": "colour"}, 400, "group_by"),
    ({"group_by": "stage,region,hot"}, 400, "group_by"),
    ({"group_by": "notes"}, 400, "group_by"),
    ({"group_by": "products"}, 400, "group_by"),
    ({"group_by": "id"}, 400, "group_by"),
    ({"measures": "median:amount"}, 400, "measures"),
    ({"measures": "sum"}, 400, "measures"),
    ({"measures": "count:amount"}, 400, "measures"),
    ({"measures": "sum:colour"}, 400, "measures"),
    ({"measures": "sum:title"}, 400, "measures"),
    ({"measures": "avg:close"}, 400, "measures"),
    ({"measures": "min:hot"}, 400, "measures"),
    ({"measures": "max:products"}, 400, "measures"),
    ({"colour": "red"}, 400, "filter"),
    ({"amount": "lots"}, 400, "amount"),
]


def test_bad_aggregate_parameters_answer_problems_naming_the_parameter(api, deals):
    def check(case):
        params, status, key = case
        body = assert_problem(api.get(AGGREGATE, query_string=params), status, "invalid_query")
        assert list(body["errors"]) == [key]

    check_each(BAD_AGGREGATES, check)
    response = api.get(AGGREGATE, query_string={"filter": "amount +"})
    assert response.status_code == 400 and response.get_json()["code"] == "formula_error"


def test_aggregate_problems_read_in_chinese_on_request(api, deals):
    headers = {"Accept-Language": "zh-CN"}
    body = assert_problem(api.get(AGGREGATE, query_string={"measures": "sum:title"}, headers=headers), 400)
    assert body["title"] == "查询无效"
    assert body["errors"] == {"measures": ["sum:title 需要数字、货币或百分比字段"]}
    body = assert_problem(api.get(AGGREGATE, query_string={"group_by": "colour"}, headers=headers), 400)
    assert body["errors"] == {"group_by": ["未知字段“colour”"]}


# -- export ---------------------------------------------------------------------------------

def cell(value):
    """A JSON value as the CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return ";".join(value) if isinstance(value, list) else str(value)


COLUMNS = ["id", "title", "amount", "rate", "stage", "region", "close", "signed_at", "hot", "notes", "products", "fee",
           "overdue"]


def test_csv_export_carries_every_record_exactly_as_the_json_api_does(api, deals):
    response = api.get(EXPORT, query_string={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="deal.csv"'
    table = list(csv.reader(io.StringIO(response.get_data().decode("utf-8"), newline="")))
    assert table[0] == COLUMNS
    assert table[1:] == [[cell(d[name]) for name in COLUMNS] for d in deals]
    assert table[1][1:3] == ["泵站改造 — 上海", "1234567890123.45"]
    assert table[1][COLUMNS.index("notes")] == "多行\n备注, 含逗号 \"引号\""
    assert table[3][1:3] == ["=SUM(A1)", "-5.05"]


def test_csv_is_the_default_format(api, deals):
    response = api.get(EXPORT)
    assert response.headers["Content-Disposition"] == 'attachment; filename="deal.csv"'
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(COLUMNS)


def test_jsonl_export_has_one_json_record_per_line(api, deals):
    response = api.get(EXPORT, query_string={"format": "jsonl"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="deal.jsonl"'
    lines = response.get_data().decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert [json.loads(line) for line in lines[:-1]] == [{name: d[name] for name in COLUMNS} for d in deals]


def test_xlsx_export_is_a_workbook_with_numbers_dates_and_formulas_kept_as_text(api, deals):
    from openpyxl import load_workbook

    response = api.get(EXPORT, query_string={"format": "xlsx", "fields": "title,amount,close,hot,products"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="deal.xlsx"'
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["id", "title", "amount", "close", "hot", "products"]
    first, formula_like = rows[1], next(r for r in rows if r[1] == "=SUM(A1)")
    assert first[1] == "泵站改造 — 上海" and first[2] == pytest.approx(1234567890123.45)
    assert first[3:] == [datetime(2024, 3, 31), True, "Pumps;Valves"]
    assert formula_like[2] == pytest.approx(-5.05)
    assert len(rows) == len(deals) + 1


def test_xlsx_export_turns_control_characters_a_workbook_cannot_hold_into_replacement_characters(api, deals):
    from openpyxl import load_workbook

    made = api.post(BASE, json={"title": "bell\x07 and tab\t", "stage": "Open"})
    assert made.status_code == 201, made.get_json()
    response = api.get(EXPORT, query_string={"format": "xlsx", "fields": "title", "stage": "Open"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "bell\ufffd and tab\t" in titles


def test_export_takes_the_lists_filters_sort_and_fields(api, deals):
    params = {"format": "jsonl", "region": "East", "filter": "amount > 0", "sort": "-amount", "fields": "amount,title"}
    lines = api.get(EXPORT, query_string=params).get_data(as_text=True).splitlines()
    listed = get_json(api, BASE, **{k: v for k, v in params.items() if k != "format"})["items"]
    assert [json.loads(line) for line in lines] == [{"id": d["id"], "amount": d["amount"], "title": d["title"]}
                                                    for d in listed]
    assert len(lines) == 2


def test_an_export_with_nothing_to_send_still_has_its_header(api, deals):
    assert api.get(EXPORT, query_string={"stage": "Lost", "region": "East"}).get_data(as_text=True) == \
        ",".join(COLUMNS) + "\r\n"


def audit_entries(api):
    return get_json(api, "/api/v1/audit", event="records.exported")["items"]


def test_each_export_writes_one_audit_entry_with_its_row_count(api, deals):
    api.get(EXPORT, query_string={"format": "jsonl", "stage": "Won", "fields": "title", "filter": "amount > 0"}).get_data()
    api.get(EXPORT).get_data()
    newest, oldest = audit_entries(api)
    assert oldest["object"] == "deal" and oldest["outcome"] == "success" and oldest["actor"] == "admin"
    assert oldest["details"] == {"format": "jsonl", "filters": {"stage": "Won"}, "filter": "amount > 0", "sort": None,
                                 "fields": ["title"], "rows": 3, "complete": True}
    assert newest["details"]["rows"] == 6 and newest["details"]["format"] == "csv"


def test_a_refused_export_sends_nothing_and_writes_no_audit_entry(api, deals):
    def check(case):
        params, key = case
        body = assert_problem(api.get(EXPORT, query_string=params), 400, "invalid_query")
        assert list(body["errors"]) == [key]

    check_each([({"format": "xls"}, "format"), ({"limit": "5"}, "limit"), ({"cursor": "abc"}, "cursor"),
                ({"fields": "title,colour"}, "fields"), ({"sort": "colour"}, "sort"), ({"colour": "red"}, "filter")],
               check)
    assert audit_entries(api) == []


@pytest.fixture
def many_deals(api):
    """More deals than one export batch, with distinct titles and amounts that tie in pairs."""
    assert define(api, DEAL).status_code == 200
    total = BATCH_SIZE + 5
    rows = [{"title": f"deal {i:05d}", "amount": f"{i // 2}.50"} for i in range(total)]
    for start in range(0, total, 1000):
        assert api.post(BASE, json=rows[start:start + 1000]).status_code == 201
    return total


def test_an_export_larger_than_one_batch_is_complete_and_in_order(api, many_deals):
    lines = api.get(EXPORT, query_string={"format": "jsonl", "sort": "-amount", "fields": "amount"}) \
        .get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == many_deals
    assert len({r["id"] for r in records}) == many_deals
    keys = [(Decimal(r["amount"]), r["id"]) for r in records]
    assert keys == sorted(keys, key=lambda k: (-k[0], -k[1]))
    assert audit_entries(api)[0]["details"]["rows"] == many_deals


def test_an_export_the_client_abandons_is_audited_with_the_rows_sent(api, many_deals):
    response = api.get(EXPORT, query_string={"format": "jsonl"}, buffered=False)
    chunks = iter(response.response)
    assert len(next(chunks).splitlines()) == BATCH_SIZE
    response.close()
    assert audit_entries(api)[0]["details"]["rows"] == BATCH_SIZE
    assert audit_entries(api)[0]["details"]["complete"] is False


def test_more_groups_than_the_bound_answer_400_too_many_groups(api, many_deals):
    body = assert_problem(api.get(AGGREGATE, query_string={"group_by": "title"}), 400, "too_many_groups")
    assert list(body["errors"]) == ["group_by"]
    assert get_json(api, COUNT) == {"count": many_deals}
    assert len(get_json(api, AGGREGATE, group_by="title", filter="amount < 400")["groups"]) == 800


# -- the OpenAPI document -------------------------------------------------------------------

def test_the_openapi_document_describes_count_aggregate_and_export_per_object(api, deals):
    paths = get_json(api, "/api/v1/openapi.json")["paths"]

    def names(path):
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert names(COUNT) == {"filter", "q"}
    assert names(AGGREGATE) == {"filter", "group_by", "measures"}
    assert names(EXPORT) == {"filter", "format", "sort", "fields"}
    assert set(paths[EXPORT]["get"]["responses"]["200"]["content"]) == {"text/csv", "application/x-ndjson",
                                                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
