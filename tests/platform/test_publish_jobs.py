"""Publishes that touch many rows run as background jobs, on SQLite and PostgreSQL.

``POST /api/v1/metadata/publish`` answers 202 with a job to poll at its ``Location``
when the plan changes, records or scans at least ``PUBLISH_JOB_ROWS`` rows; the job
publishes in one transaction, as a synchronous publish does, and its result is what that
publish answers. Smaller publishes answer 200 at once, as before.
"""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tessera.metadata.store import utcnow
from tessera.runtime.events import job_state
from tessera.runtime.identity.users import create_token, create_user
from tessera.runtime.schema.system_tables import job as job_table
from tests.conftest import REDIS_URL, Api, api_seed, seeds_for
from tests.helpers import define, object_doc
from tests.platform.support import assert_problem, create, current_revision, raw_rows, records

TITLE = {"name": "title", "type": "text", "max_length": 40}
CODE = {"name": "code", "type": "text", "max_length": 20}
CODES = ["ABCDEF-1", "ABCDEF-2", "XY"]


def build_deals(api):
    """Publish ``deal`` (title, code) and create three records."""
    assert define(api, object_doc("deal", TITLE, CODE)).status_code == 200
    return {"records": [create(api, "deal", {"title": f"deal {i}", "code": code}) for i, code in enumerate(CODES)]}


database_seed = seeds_for(deals=api_seed("publish_jobs_deals", build_deals))


@pytest.fixture
def deals(app, api, seed_data):
    """Three deals; publishes touching two rows or more run as jobs, started in a thread."""
    app.config["PUBLISH_JOB_ROWS"] = 2
    return seed_data["records"]


@pytest.fixture
def held(app):
    """Jobs are queued but not started until the test calls ``held.run(job_id)``."""
    started = []
    app.extensions["tessera.launch_publish"] = started.append
    runtime = app.extensions["tessera"]

    class Held:
        ids = started

        @staticmethod
        def run(job_id):
            runtime.publish_jobs.run(job_id)
    return Held


def narrow(*extra_fields, length=5, unique=False):
    code = {**CODE, "max_length": length, **({"unique": True} if unique else {})}
    return object_doc("deal", TITLE, code, *extra_fields)


def publish(api, confirm=True):
    return api.post("/api/v1/metadata/publish", json={"confirm_data_loss": confirm})


def wait_until_done(api, location, timeout=30):
    """Poll ``location`` until the job succeeded or failed; return its last document."""
    deadline = time.monotonic() + timeout
    while True:
        found = api.get(location)
        assert found.status_code == 200, found.get_json()
        body = found.get_json()
        if body["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def job_expected(body, status):
    return (body["kind"], body["status"], set(body)) == ("publish", status, {
        "id", "kind", "status", "progress", "result", "error", "created_at", "started_at", "finished_at"})


# -- small publishes stay synchronous -----------------------------------------------------------

def test_a_publish_touching_fewer_rows_than_the_threshold_answers_200_at_once(app, api, deals):
    app.config["PUBLISH_JOB_ROWS"] = 3
    api.put("/api/v1/metadata/object/deal", json=narrow())  # cuts 2 of 3 records
    response = publish(api)
    assert response.status_code == 200 and "Location" not in response.headers
    assert response.get_json()["revision"] == 2
    assert [r["code"] for r in raw_rows(app, "deal", "code")] == ["ABCDE", "ABCDE", "XY"]


def test_adding_a_field_touches_no_rows_and_stays_synchronous(app, api, deals):
    app.config["PUBLISH_JOB_ROWS"] = 1
    api.put("/api/v1/metadata/object/deal", json=object_doc("deal", TITLE, CODE, {"name": "due", "type": "date"}))
    response = publish(api, confirm=False)
    assert response.status_code == 200 and response.get_json()["revision"] == 2


def test_a_new_index_counts_every_row_of_its_table(app, api, deals):
    app.config["PUBLISH_JOB_ROWS"] = 3
    api.put("/api/v1/metadata/object/deal", json=object_doc("deal", TITLE, {**CODE, "indexed": True}))
    response = publish(api, confirm=False)
    assert response.status_code == 202
    done = wait_until_done(api, response.headers["Location"])
    assert [s["op"] for s in done["result"]["steps"]] == ["create_index", "create_search_index"]
    assert current_revision(app) == 2


def test_an_unconfirmed_lossy_publish_is_refused_at_once_however_many_rows(app, api, deals):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    assert_problem(publish(api, confirm=False), 409, "lossy_change_refused")
    assert current_revision(app) == 1


# -- a publish as a job -------------------------------------------------------------------------

def test_a_publish_touching_many_rows_answers_202_and_its_job_ends_with_the_synchronous_result(app, api, deals):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    plan = api.get("/api/v1/metadata/plan").get_json()
    response = publish(api)
    assert response.status_code == 202
    started = response.get_json()
    assert job_expected(started, "queued") and started["result"] is None and started["error"] is None
    assert response.headers["Location"] == f"/api/v1/jobs/{started['id']}"

    done = wait_until_done(api, response.headers["Location"])
    assert job_expected(done, "succeeded") and done["error"] is None
    assert done["result"] == {"revision": 2, "changes": plan["changes"], "steps": plan["steps"], "lossy": True}
    assert done["progress"]["done"] == done["progress"]["total"] > 0
    assert done["created_at"] <= done["started_at"] <= done["finished_at"]


def test_a_job_migrates_the_data_and_records_the_changes_as_a_synchronous_publish_does(app, api, deals):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    wait_until_done(api, publish(api).headers["Location"])
    assert current_revision(app) == 2
    assert [(r["code"], r["version"]) for r in records(api, "deal")] == [("ABCDE", 2), ("ABCDE", 2), ("XY", 1)]
    history = api.get(f"/api/v1/objects/deal/records/{deals[0]['id']}/history").get_json()["items"]
    assert [(h["action"], h["field"], h["old"], h["new"]) for h in history] == [
        ("created", None, None, None), ("changed", "code", "ABCDEF-1", "ABCDE")]
    assert_problem(api.post("/api/v1/objects/deal/records", json={"title": "x", "code": "TOO-LONG"}), 422,
                   "validation_failed")


def test_a_failing_job_publishes_nothing_and_reports_the_problem_in_the_readers_language(app, api, deals):
    # Cutting the codes to 5 characters makes two of them equal: the unique index fails
    # after the values were cut, and the whole publish rolls back.
    api.put("/api/v1/metadata/object/deal", json=narrow(unique=True))
    response = publish(api)
    assert response.status_code == 202
    done = wait_until_done(api, response.headers["Location"])
    assert job_expected(done, "failed") and done["result"] is None
    problem = done["error"]
    assert (problem["status"], problem["code"], problem["type"]) == (422, "publish_refused", "/problems/publish_refused")
    assert problem["detail"] and problem["errors"] == {"object/deal:code": [problem["errors"]["object/deal:code"][0]]}
    assert current_revision(app) == 1
    assert [r["code"] for r in raw_rows(app, "deal", "code")] == CODES
    assert [r["version"] for r in records(api, "deal")] == [1, 1, 1]

    in_chinese = api.get(response.headers["Location"], headers={"Accept-Language": "zh-CN"}).get_json()["error"]
    assert in_chinese["code"] == "publish_refused" and in_chinese["detail"] != problem["detail"]
    assert in_chinese["title"] != problem["title"]


# -- one publish at a time ----------------------------------------------------------------------

def test_a_second_publish_is_refused_while_a_publish_job_is_queued_or_running(app, api, deals, held):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    first = publish(api).get_json()
    assert held.ids == [first["id"]]
    assert_problem(publish(api), 409, "job_in_progress")
    app.config["PUBLISH_JOB_ROWS"] = 100  # even one that would run at once
    refused = publish(api)
    assert_problem(refused, 409, "job_in_progress")
    assert str(first["id"]) in refused.get_json()["detail"]
    assert held.ids == [first["id"]] and current_revision(app) == 1

    held.run(first["id"])
    assert api.get(f"/api/v1/jobs/{first['id']}").get_json()["status"] == "succeeded"
    api.put("/api/v1/metadata/object/deal", json=narrow({"name": "due", "type": "date"}))
    assert publish(api).status_code == 200 and current_revision(app) == 3


def test_the_command_line_publishes_at_once_but_not_while_a_publish_job_is_active(app, api, deals, held,
                                                                                  database_url):
    from click.testing import CliRunner

    from tessera.platform.cli import main

    def cli_publish():
        return CliRunner().invoke(main, ["metadata", "publish", "--confirm-data-loss"],
                                  env={"TESSERA_DATABASE_URL": database_url})

    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    refused = cli_publish()
    assert refused.exit_code != 0 and f"job {queued['id']}" in refused.output
    held.run(queued["id"])
    api.put("/api/v1/metadata/object/deal", json=narrow(length=4))
    published = cli_publish()  # 2 rows to cut, at or above PUBLISH_JOB_ROWS: still at once
    assert published.exit_code == 0, published.output
    assert current_revision(app) == 3 and [r["code"] for r in raw_rows(app, "deal", "code")] == ["ABCD", "ABCD", "XY"]


def test_a_job_does_not_publish_over_a_revision_published_after_it_was_queued(app, api, deals, held):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    with app.extensions["tessera"].write() as conn:  # another publish slipped in first
        conn.execute(sa.update(job_table).values(base_revision=0))
    held.run(queued["id"])
    done = api.get(f"/api/v1/jobs/{queued['id']}").get_json()
    assert (done["status"], done["error"]["code"], done["error"]["status"]) == ("failed", "concurrent_publish", 409)
    assert current_revision(app) == 1 and [r["code"] for r in raw_rows(app, "deal", "code")] == CODES


def _stored_progress(database_url, job_id):
    """The progress of job ``job_id`` as another process would read it now."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(job_table.c.progress_done, job_table.c.progress_total)
                               .where(job_table.c.id == job_id)).one()
        return tuple(row)
    finally:
        engine.dispose()


def test_progress_is_written_beside_the_open_publish_transaction_where_the_database_allows(
        app, api, deals, held, monkeypatch, database_url):
    from tessera.runtime import Context
    from tessera.runtime.publish import jobs as publish_jobs

    runtime, postgres = app.extensions["tessera"], not database_url.startswith("sqlite")
    monkeypatch.setattr(publish_jobs, "HEARTBEAT_SECONDS", 0.02)
    real_publish, seen = publish_jobs.publishing.publish, {}

    def publish_watched(conn, model, ctx, *, confirm_data_loss, progress):
        progress(1, 3)  # the migration is half-way: its transaction is still open
        deadline = time.monotonic() + 5
        while postgres and _stored_progress(database_url, job_id) != (1, 3) and time.monotonic() < deadline:
            time.sleep(0.02)
        seen["stored"] = _stored_progress(database_url, job_id)
        seen["polled"] = runtime.publish_jobs.get(Context.cli(), job_id)["progress"]
        return real_publish(conn, model, ctx, confirm_data_loss=confirm_data_loss, progress=progress)

    monkeypatch.setattr(publish_jobs.publishing, "publish", publish_watched)
    api.put("/api/v1/metadata/object/deal", json=narrow())
    job_id = publish(api).get_json()["id"]
    held.run(job_id)
    # PostgreSQL: written by the heartbeat, visible to every process. SQLite: the job's own
    # transaction is the one writer, so only the process running it knows.
    assert seen["stored"] == ((1, 3) if postgres else (0, 0))
    assert seen["polled"] == {"done": 1, "total": 3}
    assert api.get(f"/api/v1/jobs/{job_id}").get_json()["status"] == "succeeded"


# -- a worker that died -------------------------------------------------------------------------

def _age(app, job_id, **values):
    with app.extensions["tessera"].write() as conn:
        conn.execute(sa.update(job_table).where(job_table.c.id == job_id).values(**values))


def test_a_running_job_whose_worker_died_is_reported_failed_as_stale_and_frees_the_way(app, api, deals, held):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    long_ago = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1)
    _age(app, queued["id"], status="running", started_at=long_ago, heartbeat_at=long_ago,
         worker="a-host-that-is-gone:4242")

    found = api.get(f"/api/v1/jobs/{queued['id']}").get_json()
    assert (found["status"], found["error"]["code"], found["error"]["status"]) == ("failed", "job_stale", 500)
    assert str(app.config["JOB_STALE_SECONDS"]) in found["error"]["detail"] and found["finished_at"]
    held.run(queued["id"])  # a late start of a job already failed does nothing
    assert current_revision(app) == 1
    assert publish(api).status_code == 202


def test_a_queued_job_no_worker_took_is_reported_stale_and_a_new_publish_may_start(app, api, deals, held):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    _age(app, queued["id"], created_at=utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1))
    second = publish(api)
    assert second.status_code == 202 and second.get_json()["id"] != queued["id"]
    assert api.get(f"/api/v1/jobs/{queued['id']}").get_json()["error"]["code"] == "job_stale"


def test_a_running_job_with_a_recent_heartbeat_is_not_stale(app, api, deals, held):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    _age(app, queued["id"], status="running", started_at=utcnow() - timedelta(hours=1), heartbeat_at=utcnow(),
         worker="a-host-that-is-gone:4242")
    found = api.get(f"/api/v1/jobs/{queued['id']}").get_json()
    assert (found["status"], found["error"]) == ("running", None)


def test_a_job_of_a_live_process_here_without_heartbeats_is_stale_only_where_heartbeats_are_written(
        app, api, deals, held, database_url):
    # SQLite's one writer is the job's own transaction: no heartbeat can be written while it
    # runs, so there a live process on this host is the sign of life; PostgreSQL jobs beat.
    api.put("/api/v1/metadata/object/deal", json=narrow())
    queued = publish(api).get_json()
    long_ago = utcnow() - timedelta(hours=1)
    _age(app, queued["id"], status="running", started_at=long_ago, heartbeat_at=long_ago,
         worker=job_state.this_worker())
    expected = "running" if database_url.startswith("sqlite") else "failed"
    assert api.get(f"/api/v1/jobs/{queued['id']}").get_json()["status"] == expected


# -- who may see jobs ---------------------------------------------------------------------------

def test_jobs_are_for_administrators_and_an_unknown_job_answers_404(app, api, deals):
    api.put("/api/v1/metadata/object/deal", json=narrow())
    location = publish(api).headers["Location"]
    wait_until_done(api, location)
    with app.extensions["tessera"].write() as conn:
        rep = Api(app.test_client(), create_token(conn, create_user(conn, "rep")))
    assert_problem(rep.get(location), 403, "permission_denied")
    assert_problem(api.get("/api/v1/jobs/999999"), 404, "job_not_found")


# -- on rq --------------------------------------------------------------------------------------

@pytest.mark.redis
def test_with_redis_the_job_waits_for_a_worker_which_publishes_it(app, api, deals, database_url, monkeypatch):
    redis_url = REDIS_URL
    if not redis_url:
        pytest.skip("TESSERA_TEST_REDIS_URL is not set")
    from redis import Redis
    from rq import Queue, SimpleWorker

    from tessera.runtime.events.jobs import QUEUE_NAME

    connection = Redis.from_url(redis_url)
    connection.flushdb()
    app.config["REDIS_URL"] = redis_url
    api.put("/api/v1/metadata/object/deal", json=narrow())
    response = publish(api)
    assert response.status_code == 202
    assert api.get(response.headers["Location"]).get_json()["status"] == "queued"  # no worker yet

    monkeypatch.setenv("TESSERA_DATABASE_URL", database_url)  # the worker's own settings
    class BurstWorker(SimpleWorker):
        def subscribe(self):
            """No command channel: rq's pubsub thread can take a minute to stop, and a burst
            worker in a test takes no commands."""

    BurstWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=True)
    connection.flushdb()
    done = api.get(response.headers["Location"]).get_json()
    assert (done["status"], done["result"]["revision"]) == ("succeeded", 2)
    assert [r["code"] for r in raw_rows(app, "deal", "code")] == ["ABCDE", "ABCDE", "XY"]


def test_when_the_job_queue_does_not_answer_the_publish_is_503_and_its_job_failed(app, api, deals):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    api.put("/api/v1/metadata/object/deal", json=narrow())
    refused = publish(api)
    assert_problem(refused, 503, "service_unavailable")
    assert "Redis" in refused.get_json()["detail"] and refused.headers["Retry-After"]
    with app.extensions["tessera"].read() as conn:
        [failed] = conn.execute(sa.select(job_table)).mappings().all()
    assert (failed["status"], failed["active"], failed["error"]["code"]) == ("failed", None, "service_unavailable")
    assert current_revision(app) == 1 and [r["code"] for r in raw_rows(app, "deal", "code")] == CODES

    app.extensions["tessera.launch_publish"] = lambda job_id: None  # the queue is back
    assert publish(api).status_code == 202


# -- the OpenAPI document -----------------------------------------------------------------------

def test_the_openapi_document_describes_the_202_answer_and_the_job_route_and_bodies_conform(api, deals):
    from jsonschema import Draft202012Validator

    doc = api.get("/api/v1/openapi.json").get_json()
    responses = doc["paths"]["/api/v1/metadata/publish"]["post"]["responses"]
    assert {"200", "202", "default"} <= set(responses)
    assert set(responses["202"]["headers"]) == {"Location"}
    job_schema = responses["202"]["content"]["application/json"]["schema"]
    poll = doc["paths"]["/api/v1/jobs/{id}"]["get"]
    assert poll["operationId"] == "getJob" and poll["x-tessera-admin-only"] is True
    assert poll["responses"]["200"]["content"]["application/json"]["schema"] == job_schema

    api.put("/api/v1/metadata/object/deal", json=narrow(unique=True))
    response = publish(api)
    failed = wait_until_done(api, response.headers["Location"])
    api.put("/api/v1/metadata/object/deal", json=narrow())
    succeeded = wait_until_done(api, publish(api).headers["Location"])
    validator = Draft202012Validator(job_schema)
    for body in (response.get_json(), failed, succeeded):
        assert list(validator.iter_errors(body)) == [], body["status"]
