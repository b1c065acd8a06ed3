"""The records service: every record operation runs with a Context, in one transaction."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from tessera.runtime import Context
from tessera.runtime.errors import (
    ObjectNotFound, PermissionDenied, RecordInUse, RecordInvalid, RecordNotFound, StaleVersion,
)
from tessera.runtime.identity.users import create_user

DEAL = {"kind": "object", "name": "deal", "fields": [
    {"name": "title", "type": "text", "required": True, "max_length": 30},
    {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["Open", "Won"], "default": "Open"},
]}
ACCOUNT = {"kind": "object", "name": "account", "fields": [{"name": "name", "type": "text"}]}
CONTACT = {"kind": "object", "name": "contact", "fields": [
    {"name": "name", "type": "text"},
    {"name": "account", "type": "lookup", "target": "account"},
]}


@pytest.fixture
def deals(runtime, publish):
    publish(DEAL, ACCOUNT, CONTACT)
    return runtime.records


def stored(runtime, table, *columns):
    with runtime.read() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))]


def test_create_stores_a_row_owned_by_the_acting_user(runtime, deals, admin_ctx):
    record = deals.create(admin_ctx, "deal", {"title": "Pumps", "amount": "10.5"})
    assert (record["title"], record["amount"], record["stage"], record["version"]) == ("Pumps", "10.50", "Open", 1)
    assert record["owner"] == record["created_by"] == admin_ctx.user_id
    assert stored(runtime, "obj_deal", "title", "owner_id", "version") == [("Pumps", admin_ctx.user_id, 1)]


def test_invalid_input_raises_record_invalid_keyed_by_field_and_stores_nothing(runtime, deals, admin_ctx):
    with pytest.raises(RecordInvalid) as caught:
        deals.create(admin_ctx, "deal", {"title": "x" * 31, "amount": "abc", "colour": "red"})
    assert set(caught.value.errors) == {"title", "amount", "colour"}
    assert caught.value.code == "validation_failed"
    assert stored(runtime, "obj_deal", "id") == []


def test_the_actor_of_an_update_is_recorded_as_its_author(runtime, deals, admin_ctx):
    with runtime.write() as conn:
        other_id = create_user(conn, "second_admin", is_admin=True)
    other = Context(user_id=other_id, username="second_admin", is_admin=True)
    record = deals.create(admin_ctx, "deal", {"title": "Pumps"})
    updated = deals.update(other, "deal", record["id"], {"amount": "5"})
    assert updated["updated_by"] == other_id and updated["created_by"] == admin_ctx.user_id
    history = deals.history(admin_ctx, "deal", record["id"])
    assert [(h["field"], h["old"], h["new"], h["actor"]) for h in history[1:]] == [("amount", None, "5.00", other_id)]


def test_an_expected_version_that_is_stale_raises_and_changes_nothing(runtime, deals, admin_ctx):
    record = deals.create(admin_ctx, "deal", {"title": "Pumps"})
    deals.update(admin_ctx, "deal", record["id"], {"title": "Pumps 2"})
    with pytest.raises(StaleVersion):
        deals.update(admin_ctx, "deal", record["id"], {"title": "Pumps 3"}, expected_version=1)
    with pytest.raises(StaleVersion):
        deals.delete(admin_ctx, "deal", record["id"], expected_version=1)
    assert stored(runtime, "obj_deal", "title", "version") == [("Pumps 2", 2)]


def test_a_user_without_rights_may_not_touch_records(runtime, deals, admin_ctx):
    with runtime.write() as conn:
        rep_id = create_user(conn, "rep")
    rep = Context(user_id=rep_id, username="rep")
    record = deals.create(admin_ctx, "deal", {"title": "Pumps"})
    with pytest.raises(PermissionDenied):
        deals.create(rep, "deal", {"title": "mine"})
    with pytest.raises((PermissionDenied, RecordNotFound)):
        deals.update(rep, "deal", record["id"], {"title": "taken"})
    with pytest.raises((PermissionDenied, RecordNotFound)):
        deals.delete(rep, "deal", record["id"])
    assert stored(runtime, "obj_deal", "title") == [("Pumps",)]


def test_unknown_objects_and_records_are_not_found(deals, admin_ctx):
    with pytest.raises(ObjectNotFound):
        deals.create(admin_ctx, "ghost", {"a": 1})
    with pytest.raises(RecordNotFound):
        deals.get(admin_ctx, "deal", 404)
    with pytest.raises(RecordNotFound):
        deals.update(admin_ctx, "deal", 404, {"title": "x"})


def test_list_pages_through_records_with_sort_and_filters(deals, admin_ctx):
    deals.create_many(admin_ctx, "deal", [
        {"title": "a", "amount": "3"}, {"title": "b", "amount": "1", "stage": "Won"}, {"title": "c"},
        {"title": "d", "amount": "2", "stage": "Won"},
    ])
    first = deals.list(admin_ctx, "deal", sort="-amount", limit=2)
    assert [i["title"] for i in first["items"]] == ["c", "a"]
    second = deals.list(admin_ctx, "deal", sort="-amount", limit=2, cursor=first["next_cursor"])
    assert [i["title"] for i in second["items"]] == ["d", "b"] and second["next_cursor"] is None
    won = deals.list(admin_ctx, "deal", filters={"stage": "Won"}, sort="amount")
    assert [i["title"] for i in won["items"]] == ["b", "d"]
    assert [Decimal(i["amount"]) for i in won["items"]] == [Decimal(1), Decimal(2)]


def test_a_restricted_delete_raises_record_in_use_and_deletes_nothing(runtime, deals, admin_ctx):
    account = deals.create(admin_ctx, "account", {"name": "ACME"})
    deals.create(admin_ctx, "contact", {"name": "Ann", "account": account["id"]})
    with pytest.raises(RecordInUse):
        deals.delete(admin_ctx, "account", account["id"])
    assert stored(runtime, "obj_account", "name") == [("ACME",)]


def test_a_record_written_after_a_publish_uses_the_new_model(runtime, deals, admin_ctx, publish):
    deals.create(admin_ctx, "deal", {"title": "before"})
    publish({**DEAL, "fields": DEAL["fields"] + [{"name": "region", "type": "text"}]})
    record = deals.create(admin_ctx, "deal", {"title": "after", "region": "East"})
    assert record["region"] == "East"
    assert [i["region"] for i in deals.list(admin_ctx, "deal")["items"]] == [None, "East"]


def test_a_second_runtime_on_the_same_database_sees_a_newer_revision(runtime, deals, admin_ctx, publish,
                                                                      database_url):
    from tessera.runtime import Runtime

    other = Runtime(database_url)
    try:
        other.records.create(admin_ctx, "deal", {"title": "from the other process"})
        publish({**DEAL, "fields": DEAL["fields"] + [{"name": "region", "type": "text"}]})
        record = other.records.create(admin_ctx, "deal", {"title": "new field", "region": "West"})
        assert record["region"] == "West"
    finally:
        other.dispose()


def test_a_count_with_a_ceiling_stops_one_past_it(runtime, deals, admin_ctx):
    from tessera.runtime.records.aggregate import count_records

    deals.create_many(admin_ctx, "deal", [{"title": f"d{n}", "stage": "Won" if n % 2 else "Open"} for n in range(5)])
    assert count_records(runtime, admin_ctx, "deal", at_most=2) == 3
    assert count_records(runtime, admin_ctx, "deal", at_most=5) == 5
    assert count_records(runtime, admin_ctx, "deal", formula='stage = "Won"', at_most=1) == 2
    assert count_records(runtime, admin_ctx, "deal", formula='stage = "Won"', at_most=2) == 2
