"""Assertions and database peeks shared by the platform specifications."""

import sqlalchemy as sa

from tessera.metadata.tables import document_head, revision
from tessera.runtime.schema.columns import table_name
from tessera.runtime.schema.system_tables import outbox

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance"}


def assert_problem(response, status, code=None):
    """Assert ``response`` is exactly an RFC 9457 problem document; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.content_type
    body = response.get_json(force=True)
    keys = set(body)
    assert PROBLEM_KEYS <= keys <= PROBLEM_KEYS | {"errors"}, sorted(keys)
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    assert body["status"] == status
    assert body["instance"] == response.request.path
    if "errors" in body:
        assert isinstance(body["errors"], dict) and body["errors"]
        for path, messages in body["errors"].items():
            assert isinstance(path, str)
            assert isinstance(messages, list) and messages
            assert all(isinstance(m, str) and m for m in messages)
    if code is not None:
        assert body["code"] == code, body
    return body


def runtime_of(app):
    """The Runtime behind a Flask app."""
    return app.extensions["tessera"]


def table_names(app):
    """The physical tables of the app's database."""
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def column_names(app, object_name):
    """The physical columns of an object's table."""
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table_name(object_name))}


def raw_rows(app, object_name, *columns):
    """Every stored row of an object's table (selected columns), ordered by id."""
    rt = runtime_of(app)
    table = sa.table(table_name(object_name), *[sa.column(c) for c in ("id", *columns)])
    with rt.engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(table.c.id)).mappings()]


def row_count(app, object_name):
    """How many rows an object's table holds."""
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(sa.table(table_name(object_name)))).scalar_one()


def outbox_events(app, event_type=None):
    """Every outbox row (optionally of one type), oldest first."""
    rt = runtime_of(app)
    query = sa.select(outbox).order_by(outbox.c.id)
    if event_type:
        query = query.where(outbox.c.event_type == event_type)
    with rt.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def record_events(app):
    """Every outbox row about a record (not metadata), oldest first."""
    return [e for e in outbox_events(app) if e["event_type"].startswith("record.")]


def current_revision(app):
    """The newest published revision number."""
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.coalesce(sa.func.max(revision.c.revision), 0))).scalar_one()


def published_pointers(app):
    """{(kind, name): published_version} of every published metadata head."""
    rt = runtime_of(app)
    with rt.engine.connect() as conn:
        rows = conn.execute(sa.select(document_head)).mappings()
        return {(r["kind"], r["name"]): r["published_version"] for r in rows if r["published_version"] is not None}


def records(api, object_name, **params):
    """Every record of ``object_name`` on one page, as returned by the API."""
    response = api.get(f"/api/v1/objects/{object_name}/records", query_string={"limit": 1000, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def create(api, object_name, payload):
    """Create one record and return its JSON, failing loudly when the API refuses."""
    response = api.post(f"/api/v1/objects/{object_name}/records", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def published_document(api, kind, name):
    """The published body of (kind, name)."""
    response = api.get(f"/api/v1/metadata/{kind}/{name}", query_string={"state": "published"})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["body"]


def state_snapshot(app, api, *object_names):
    """Everything a refused publish must leave untouched: revision, metadata, tables, rows."""
    return {
        "revision": current_revision(app),
        "pointers": published_pointers(app),
        "published": {n: published_document(api, "object", n) for n in object_names},
        "tables": table_names(app),
        "columns": {n: column_names(app, n) for n in object_names},
        "records": {n: records(api, n) for n in object_names},
    }


def check_each(cases, check):
    """Run ``check(case)`` for every case and fail once, listing every case that did not hold.

    Many small cases share one (slow to build) database this way, and a failure still
    names each case that broke, not just the first.
    """
    broken = []
    for case in cases:
        try:
            check(case)
        except AssertionError as error:
            broken.append(f"{case!r}: {str(error).splitlines()[0] if str(error) else 'assertion failed'}")
        except Exception as error:  # an unexpected error is a failure of this case too
            broken.append(f"{case!r}: raised {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    assert not broken, f"{len(broken)} of {len(cases)} case(s) failed:\n" + "\n".join(broken)
