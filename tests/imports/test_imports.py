"""Bulk import over the API: CSV and Excel into an object, upsert by external id, per-row
reports, all-or-nothing and valid-rows modes, dry runs, progress, and refusals."""

import csv
import io
import time

import pytest
import sqlalchemy as sa

from tessera.runtime.identity.users import create_token, create_user
from tessera.runtime.schema.system_tables import job as job_table
from tessera.runtime.schema.system_tables import outbox
from tests.conftest import Api, api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem

LEAD = object_doc(
    "lead",
    {"name": "company", "type": "text", "required": True, "max_length": 80, "label": {"en": "Company", "zh-CN": "公司"}},
    {"name": "external_ref", "type": "text", "max_length": 40, "unique": True},
    {"name": "revenue", "type": "currency"},
    {"name": "status", "type": "picklist", "options": ["Open", "Qualified", "Lost"]},
    {"name": "first_contact", "type": "date"},
    {"name": "tags", "type": "multi_picklist", "options": ["VIP", "Expo", "Web"]},
    {"name": "score", "type": "formula", "returns": "number", "expression": "revenue / 1000"},
    {"name": "hot", "type": "boolean"},
    {"name": "employees", "type": "number", "scale": 0},
)
IMPORTS = "/api/v1/imports"
LEADS = "/api/v1/objects/lead/records"


def build_leads(api):
    assert define(api, LEAD).status_code == 200
    return {}


database_seed = seeds_for(leads=api_seed("imports_leads", build_leads))


@pytest.fixture
def leads(seed_data):
    return seed_data


def csv_bytes(rows, header=("Company", "external_ref", "revenue", "status", "first_contact", "tags")):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(api, content, name="leads.csv", **form):
    data = {"object": "lead", **form, "file": (io.BytesIO(content), name)}
    return api.post(IMPORTS, data=data, content_type="multipart/form-data")


def finished(api, response, timeout=180):
    assert response.status_code == 202, response.get_json()
    location = response.headers["Location"]
    deadline = time.monotonic() + timeout
    while True:
        found = api.get(location).get_json()
        if found["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def stored(app, *columns):
    runtime = app.extensions["tessera"]
    with runtime.read() as conn:
        _, obj = runtime.object_for(conn, "lead")
        table = obj.table
        rows = conn.execute(sa.select(*(table.c[c] for c in columns)).order_by(table.c.id)).all()
    return [tuple(r) for r in rows]


def events(app, kind):
    with app.extensions["tessera"].read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(outbox)
                            .where(outbox.c.event_type == kind, outbox.c.object == "lead")).scalar()


ROWS = [
    ["Acme", "A-1", "12000.50", "Open", "2026-01-31", "VIP;Expo"],
    ["北京星辰科技", "A-2", "", "Qualified", "", ""],
    ["Globex", "A-3", "99", "", "2026-02-28", "Web"],
]


# -- creating and updating ---------------------------------------------------------------------

def test_a_csv_file_becomes_records_with_labels_matching_columns_and_one_event_each(app, api, leads):
    report = finished(api, upload(api, csv_bytes(ROWS)))
    assert (report["status"], report["created"], report["updated"], report["failed"], report["kept"]) == \
        ("succeeded", 3, 0, 0, True)
    assert report["progress"] == {"done": 3, "total": 3}
    assert report["mapping"]["company"] == "Company"
    listed = api.get(LEADS, query_string={"sort": "external_ref"}).get_json()["items"]
    assert [(r["company"], r["revenue"], r["status"], r["first_contact"], r["tags"]) for r in listed] == [
        ("Acme", "12000.50", "Open", "2026-01-31", ["VIP", "Expo"]),
        ("北京星辰科技", None, "Qualified", None, None),
        ("Globex", "99.00", None, "2026-02-28", ["Web"])]
    assert events(app, "record.created") == 3


def test_importing_the_same_rows_again_by_external_id_updates_and_never_duplicates(app, api, leads):
    finished(api, upload(api, csv_bytes(ROWS), external_id="external_ref"))
    changed = [["Acme Corp", "A-1", "13000", "Qualified", "", ""], ["Initech", "A-4", "5", "Open", "", ""]]
    report = finished(api, upload(api, csv_bytes(changed), external_id="external_ref"))
    assert (report["created"], report["updated"], report["failed"]) == (1, 1, 0)
    assert stored(app, "external_ref", "company", "revenue") == [
        ("A-1", "Acme Corp", pytest.approx(13000)), ("A-2", "北京星辰科技", None), ("A-3", "Globex", pytest.approx(99)),
        ("A-4", "Initech", pytest.approx(5))]
    assert events(app, "record.updated") == 1


def test_a_file_naming_one_record_twice_creates_it_then_updates_it(app, api, leads):
    rows = [["Acme", "A-1", "1", "Open", "", ""], ["Acme Twice", "A-1", "2", "Open", "", ""]]
    report = finished(api, upload(api, csv_bytes(rows), external_id="external_ref"))
    assert (report["created"], report["updated"]) == (1, 1)
    assert stored(app, "external_ref", "company") == [("A-1", "Acme Twice")]


def test_cells_become_booleans_as_a_client_would_send_them(app, api, leads):
    content = csv_bytes([["A", "true", "12"], ["B", " No ", "-3"], ["C", "是", ""], ["D", "maybe", "7"]],
                        header=("company", "hot", "employees"))
    report = finished(api, upload(api, content, mode="valid_rows"))
    assert (report["created"], [e["row"] for e in report["errors"]]) == (3, [5])
    assert sorted(report["errors"][0]["errors"]) == ["hot"]
    assert [(c, h, e if e is None else int(e)) for c, h, e in stored(app, "company", "hot", "employees")] == [
        ("A", True, 12), ("B", False, -3), ("C", True, None)]


def test_an_explicit_mapping_takes_columns_of_any_name(app, api, leads):
    content = csv_bytes([["Umbrella", "U-9"]], header=("Firma", "Ref"))
    report = finished(api, upload(api, content, mapping='{"company": "Firma", "external_ref": "Ref"}'))
    assert report["created"] == 1
    assert stored(app, "company", "external_ref") == [("Umbrella", "U-9")]


def test_an_excel_workbook_is_read_with_its_numbers_and_dates(app, api, leads):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Company", "external_ref", "revenue", "first_contact"])
    sheet.append(["Acme", "X-1", 1234.5, datetime(2026, 3, 31)])
    sheet.append(["Globex", 42, 7, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = finished(api, upload(api, buffer.getvalue(), name="leads.xlsx"))
    assert (report["format"], report["created"], report["failed"]) == ("xlsx", 2, 0)
    listed = api.get(LEADS, query_string={"sort": "company"}).get_json()["items"]
    assert [(r["company"], r["external_ref"], r["revenue"], r["first_contact"]) for r in listed] == [
        ("Acme", "X-1", "1234.50", "2026-03-31"), ("Globex", "42", "7.00", None)]


# -- bad rows ----------------------------------------------------------------------------------

def thousand_rows_with_three_bad():
    rows = [[f"Company {i}", f"R-{i}", str(i), "Open", "2026-01-01", ""] for i in range(1000)]
    rows[10][3] = "Maybe"          # not an option
    rows[500][0] = ""              # company is required
    rows[998][4] = "2026-02-30"    # no such date
    return rows


def test_all_or_nothing_reports_exactly_the_three_bad_rows_of_a_thousand_and_writes_nothing(app, api, leads):
    report = finished(api, upload(api, csv_bytes(thousand_rows_with_three_bad()), mode="all_or_nothing"))
    assert (report["status"], report["failed"], report["kept"]) == ("succeeded", 3, False)
    assert [(e["row"], sorted(e.get("errors", {}))) for e in report["errors"]] == [
        (12, ["status"]), (502, ["company"]), (1000, ["first_contact"])]
    assert report["errors"][0]["code"] == "validation_failed"
    assert set(report["errors"][0]["detail"]) == {"en", "zh-CN"}
    assert stored(app, "id") == [] and events(app, "record.created") == 0


def test_valid_rows_mode_keeps_the_good_rows_and_reports_the_bad(app, api, leads):
    report = finished(api, upload(api, csv_bytes(thousand_rows_with_three_bad()), mode="valid_rows"))
    assert (report["created"], report["failed"], report["kept"]) == (997, 3, True)
    assert [e["row"] for e in report["errors"]] == [12, 502, 1000]
    assert len(stored(app, "id")) == 997


def test_a_dry_run_reports_what_would_happen_including_unique_clashes_and_keeps_nothing(app, api, leads):
    finished(api, upload(api, csv_bytes(ROWS[:1])))
    rows = [["Other", "A-1", "1", "", "", ""], ["Fresh", "B-1", "1", "", "", ""]]
    report = finished(api, upload(api, csv_bytes(rows), dry_run="true"))
    assert (report["dry_run"], report["created"], report["failed"], report["kept"]) == (True, 1, 1, False)
    assert report["errors"][0]["row"] == 2 and report["errors"][0]["code"] == "unique_violation"
    assert stored(app, "external_ref") == [("A-1",)]


# -- refusals ----------------------------------------------------------------------------------

@pytest.mark.parametrize("form, content, name, path", [
    ({"mapping": '{"nope": "Company"}'}, csv_bytes(ROWS), "leads.csv", "mapping.nope"),
    ({"mapping": '{"company": "Nope"}'}, csv_bytes(ROWS), "leads.csv", "mapping.company"),
    ({"mapping": '{"score": "revenue"}'}, csv_bytes(ROWS), "leads.csv", "mapping.score"),
    ({"external_id": "company"}, csv_bytes(ROWS), "leads.csv", "external_id"),
    ({"mode": "sometimes"}, csv_bytes(ROWS), "leads.csv", "mode"),
    ({"mapping": "[1]"}, csv_bytes(ROWS), "leads.csv", "mapping"),
    ({}, csv_bytes(ROWS), "leads.txt", "format"),
])
def test_an_import_that_cannot_fit_is_refused_before_any_row_and_leaves_no_job(app, api, leads, form, content,
                                                                                 name, path):
    refused = upload(api, content, name=name, **form)
    body = assert_problem(refused, 422, "import_invalid")
    assert path in body["errors"]
    with app.extensions["tessera"].read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(job_table)).scalar() == 0


@pytest.mark.parametrize("content, code", [
    (b"", "import_invalid"), ("Company,Company\nA,B\n".encode(), "import_invalid"),
    ("Company\n".encode("utf-16"), "import_invalid"),
])
def test_an_unreadable_file_is_refused_readably(api, leads, content, code):
    assert_problem(upload(api, content), 422, code)


def test_a_rep_without_the_create_right_may_not_import_nor_read_anothers_import(app, api, leads):
    report = finished(api, upload(api, csv_bytes(ROWS)))
    with app.extensions["tessera"].write() as conn:
        rep = Api(app.test_client(), create_token(conn, create_user(conn, "rep")))
    assert_problem(upload(rep, csv_bytes(ROWS)), 403, "permission_denied")
    assert_problem(rep.get(f"{IMPORTS}/{report['id']}"), 404, "import_not_found")
    assert len(stored(app, "id")) == 3


def test_a_file_that_is_not_a_workbook_is_refused_as_one(api, leads):
    assert_problem(upload(api, b"PK\x03\x04 not really", name="leads.xlsx"), 422, "import_invalid")


# -- on rq ---------------------------------------------------------------------------------------

@pytest.mark.redis
def test_with_redis_the_import_waits_for_a_worker_which_runs_it_from_the_stored_file(app, api, leads, database_url,
                                                                                    monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from tessera.runtime.events.jobs import QUEUE_NAME
    from tessera.runtime.imports.tables import import_file
    from tests.conftest import REDIS_URL

    if not REDIS_URL:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    connection = Redis.from_url(REDIS_URL)
    connection.flushdb()
    app.config["REDIS_URL"] = REDIS_URL
    response = upload(api, csv_bytes(ROWS))
    assert response.status_code == 202
    assert api.get(response.headers["Location"]).get_json()["status"] == "queued"
    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)

    class BurstWorker(SimpleWorker):
        def subscribe(self):
            """No command channel in a burst worker of a test."""

    BurstWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=True)
    connection.flushdb()
    report = api.get(response.headers["Location"]).get_json()
    assert (report["status"], report["created"]) == ("succeeded", 3)
    assert len(stored(app, "id")) == 3
    with app.extensions["tessera"].read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(import_file)).scalar() == 0


def test_an_import_whose_worker_vanished_is_reported_failed_as_stale(app, api, leads):
    from datetime import timedelta

    from tessera.metadata.store import utcnow
    from tessera.runtime.events import job_state

    app.extensions["tessera.launch_import"] = lambda job_id: None  # queued, and no worker ever comes
    response = upload(api, csv_bytes(ROWS))
    job_id = response.get_json()["id"]
    with app.extensions["tessera"].write() as conn:
        conn.execute(sa.update(job_table).where(job_table.c.id == job_id)
                     .values(created_at=utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 5)))
    report = api.get(response.headers["Location"]).get_json()
    assert (report["status"], report["error"]["code"], report["created"]) == ("failed", "job_stale", 0)
    with app.extensions["tessera"].read() as conn:
        assert job_state.load(conn, job_id)["status"] == "failed"
    assert stored(app, "id") == []
