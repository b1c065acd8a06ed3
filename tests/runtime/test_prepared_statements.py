"""The hot SELECTs run on the DBAPI cursor (runtime/prepared.py) and answer exactly what
SQLAlchemy's own execute answers: the same keys, every value converted by the same type,
expanding IN lists and literal parameters of the row condition included; a connection it
cannot serve the same way goes through SQLAlchemy."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tessera.runtime import prepared
from tessera.runtime.identity.tokens import _WITH_USER, create_token, hash_token
from tessera.runtime.identity.users import create_user
from tests.helpers import object_doc

EVERY_TYPE = object_doc(
    "sample",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency", "scale": 2},
    {"name": "rate", "type": "percent"},
    {"name": "quantity", "type": "number", "scale": 3},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won"]},
    {"name": "due", "type": "date"},
    {"name": "seen_at", "type": "datetime"},
    {"name": "done", "type": "boolean"},
    {"name": "notes", "type": "long_text"},
    {"name": "email", "type": "email"},
)
VALUES = {"title": "Pumps 泵", "amount": "1234.50", "rate": "0.1250", "quantity": "2.500", "stage": "Won",
          "due": "2026-03-31", "seen_at": "2026-03-01T08:30:00Z", "done": True, "notes": "line one\nline two",
          "email": "li.wei@example.com"}


def sqlalchemy_row(conn, statement, params):
    row = conn.execute(statement, params).mappings().first()
    return None if row is None else dict(row)


@pytest.fixture
def sample(runtime, publish, admin_ctx):
    """A published object of every everyday type, one full record and one all-null one."""
    publish(EVERY_TYPE)
    full = runtime.records.create(admin_ctx, "sample", VALUES)["id"]
    empty = runtime.records.create(admin_ctx, "sample", {"title": "empty"})["id"]
    with runtime.read() as conn:
        obj = runtime.model(conn).objects["sample"]
    return runtime, obj, full, empty


def test_a_record_read_on_the_cursor_equals_what_sqlalchemy_reads(sample):
    runtime, obj, full, empty = sample
    with runtime.read() as conn:
        for record_id in (full, empty):
            fast = prepared.first(conn, obj.select_by_id, {"record_id": record_id})
            assert fast == sqlalchemy_row(conn, obj.select_by_id, {"record_id": record_id})
            assert list(fast) == list(sqlalchemy_row(conn, obj.select_by_id, {"record_id": record_id}))
        fast = prepared.first(conn, obj.select_by_id, {"record_id": full})
    assert fast["amount"] == Decimal("1234.50") and isinstance(fast["amount"], Decimal)
    assert fast["due"] == date(2026, 3, 31)
    assert fast["seen_at"].replace(tzinfo=timezone.utc) == datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)
    assert fast["done"] is True and fast["title"] == "Pumps 泵"


def test_a_missing_row_is_none(sample):
    runtime, obj, full, _ = sample
    with runtime.read() as conn:
        assert prepared.first(conn, obj.select_by_id, {"record_id": full + 1000}) is None


def test_a_row_condition_with_literal_values_and_an_in_list_is_applied_as_sqlalchemy_applies_it(sample):
    runtime, obj, full, _ = sample
    table = obj.table
    admitted = obj.select_by_id.where(sa.or_(table.c.owner_id.in_([-1, -2, table_owner(runtime, table, full)]),
                                             table.c.stage == "Lost"))
    refused = obj.select_by_id.where(sa.or_(table.c.owner_id.in_([-1, -2, -3]), table.c.stage == "Lost"))
    with runtime.read() as conn:
        assert prepared.first(conn, admitted, {"record_id": full}) == sqlalchemy_row(conn, admitted, {"record_id": full})
        assert prepared.first(conn, admitted, {"record_id": full})["id"] == full
        assert prepared.first(conn, refused, {"record_id": full}) is None


def table_owner(runtime, table, record_id):
    with runtime.read() as conn:
        return conn.execute(sa.select(table.c.owner_id).where(table.c.id == record_id)).scalar_one()


def test_the_token_row_read_on_the_cursor_equals_what_sqlalchemy_reads(runtime):
    with runtime.write() as conn:
        user_id = create_user(conn, "li.wei")
        secret = create_token(conn, user_id, "ci", scope="read", objects=["deal"], expires_in_days=30)
    params = {"token_hash": hash_token(secret)}
    with runtime.read() as conn:
        fast = prepared.first(conn, _WITH_USER, params)
        assert fast == sqlalchemy_row(conn, _WITH_USER, params)
    assert fast["objects"] == ["deal"] and fast["u_username"] == "li.wei" and fast["expires_at"] is not None


def test_a_statement_is_compiled_once_and_reused_whatever_the_parameters(sample):
    runtime, obj, full, empty = sample
    with runtime.read() as conn:
        prepared.first(conn, obj.select_by_id, {"record_id": full})
        form = getattr(conn.dialect, prepared.FORMS)[id(obj.select_by_id)]
        assert prepared.first(conn, obj.select_by_id, {"record_id": empty})["title"] == "empty"
        assert getattr(conn.dialect, prepared.FORMS)[id(obj.select_by_id)] is form


def test_the_statements_run_through_sqlalchemys_cursor_events(sample):
    runtime, obj, full, _ = sample
    seen = []
    sa.event.listen(runtime.engine, "before_cursor_execute", lambda *args: seen.append((args[2], args[3])))
    with runtime.read() as conn:
        prepared.first(conn, obj.select_by_id, {"record_id": full})
    assert len(seen) == 1 and "FROM obj_sample" in seen[0][0]
    assert full in (seen[0][1].values() if isinstance(seen[0][1], dict) else seen[0][1])


def test_a_connection_outside_a_transaction_goes_through_sqlalchemy_which_begins_one(sample):
    runtime, obj, full, _ = sample
    with runtime.engine.connect() as conn:
        assert not conn.in_transaction()
        assert prepared.first(conn, obj.select_by_id, {"record_id": full})["title"] == "Pumps 泵"
        assert conn.in_transaction()


def test_a_driver_error_is_wrapped_by_sqlalchemy_as_its_execute_wraps_it(sample):
    runtime, obj, full, _ = sample
    broken = sa.select(obj.table.c.id, sa.literal_column("no_such_column")).where(obj.table.c.id == sa.bindparam("record_id"))
    with pytest.raises(sa.exc.DBAPIError) as raised:
        with runtime.read() as conn:
            prepared.first(conn, broken, {"record_id": full})
    assert raised.value.statement is not None and "no_such_column" in raised.value.statement
    with runtime.read() as conn:  # the pool's connection is still good
        assert prepared.first(conn, obj.select_by_id, {"record_id": full})["id"] == full
