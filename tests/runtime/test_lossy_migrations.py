"""Confirmed lossy publishes, on SQLite and PostgreSQL.

A column that is dropped or replaced keeps the indexes the model declares over it, and
every stored value a migration changes is recorded as an update would record it: field
history rows (old -> new, by the publishing admin), one ``record.updated`` outbox event
per changed record marked ``"reason": "migration"``, and a new ``version``.
"""

import warnings

import pytest
import sqlalchemy as sa

from tessera.metadata.errors import LossyChangeRefused, PublishRefused
from tessera.runtime.publish import migrate
from tessera.runtime.errors import StaleVersion
from tessera.runtime.schema.system_tables import field_history, outbox
from tests.helpers import object_doc

# -- helpers ------------------------------------------------------------------------------------


def physical_indexes(conn, table_name):
    """The column indexes the database reports for ``table_name``, as (name, columns, unique)
    (search indexes, over an expression, are checked in test_search_index.py)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        found = sa.inspect(conn).get_indexes(table_name)
    return {(i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found if not i["name"].startswith("sx_")}


def declared_indexes(table):
    """The indexes the compiled model's Table declares, as (name, columns, unique)."""
    return {(i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes}


def assert_indexes_match_model(runtime):
    """Every object table has exactly the indexes its published model declares."""
    with runtime.read() as conn:
        for obj in runtime.model(conn).objects.values():
            assert physical_indexes(conn, obj.table.name) == declared_indexes(obj.table), obj.name


def versions(runtime, object_name):
    with runtime.read() as conn:
        rows = conn.execute(sa.text(f"SELECT id, version FROM obj_{object_name} ORDER BY id"))
        return dict(rows.all())


def history_rows(runtime):
    """Every field-history row as (record id, field, old, new, actor, event id), oldest first."""
    with runtime.read() as conn:
        rows = conn.execute(sa.select(field_history).order_by(field_history.c.id)).mappings()
        return [(r["record_id"], r["field"], r["old_value"], r["new_value"], r["actor_id"], r["event_id"])
                for r in rows]


def updated_events(runtime):
    """Every ``record.updated`` event as a dict, oldest first."""
    with runtime.read() as conn:
        rows = conn.execute(sa.select(outbox).where(outbox.c.event_type == "record.updated").order_by(outbox.c.id))
        return [dict(r._mapping) for r in rows]


def event_count(runtime):
    with runtime.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(outbox)).scalar_one()


def migration_payload(changes, revision=2):
    return {"changes": changes, "reason": "migration", "revision": revision}


def assert_recorded(runtime, admin_ctx, object_name, expected, *, revision=2):
    """History, events and versions hold exactly ``expected``: {record id: {field: (old, new)}}."""
    events = updated_events(runtime)
    assert [(e["object"], e["record_id"], e["payload"]) for e in events] == [
        (object_name, rid, migration_payload({f: {"old": o, "new": n} for f, (o, n) in changes.items()}, revision))
        for rid, changes in sorted(expected.items())]
    assert {e["actor_id"] for e in events} <= {admin_ctx.user_id}
    event_of = {e["record_id"]: e["id"] for e in events}
    assert sorted(history_rows(runtime)) == sorted(
        (rid, f, o, n, admin_ctx.user_id, event_of[rid]) for rid, changes in expected.items()
        for f, (o, n) in changes.items())
    current = versions(runtime, object_name)
    assert current == {rid: (2 if rid in expected else 1) for rid in current}


# -- indexes around replaced columns ---------------------------------------------------------------

ACCOUNT = object_doc("account", {"name": "name", "type": "text"})
PARTNER = object_doc("partner", {"name": "name", "type": "text"})
A = {"name": "a", "type": "text"}
ACCOUNT_ID = object()  # stands for the id of the account record the test creates

INDEX_COVERED = {
    "a field in a multi-column index": (
        {"name": "b", "type": "date"}, {"indexes": [{"fields": ["a", "b"]}]}, "2024-05-01",
        {"name": "b", "type": "number"}),
    "an indexed field": (
        {"name": "b", "type": "date", "indexed": True}, {}, "2024-05-01",
        {"name": "b", "type": "number", "indexed": True}),
    "a unique field": (
        {"name": "b", "type": "text", "unique": True}, {}, "B-1",
        {"name": "b", "type": "number", "unique": True}),
    "a lookup pointed at another object": (
        {"name": "b", "type": "lookup", "target": "account"}, {}, ACCOUNT_ID,
        {"name": "b", "type": "lookup", "target": "partner"}),
    "a unique field in a unique multi-column index": (
        {"name": "b", "type": "text", "unique": True}, {"indexes": [{"fields": ["a", "b"], "unique": True}]}, "B-1",
        {"name": "b", "type": "date", "unique": True}),
}


@pytest.mark.parametrize("before, extra, value, after", INDEX_COVERED.values(), ids=list(INDEX_COVERED))
def test_a_confirmed_type_change_of_an_index_covered_field_keeps_every_declared_index(
        runtime, admin_ctx, publish, before, extra, value, after):
    publish(ACCOUNT, PARTNER, object_doc("w", A, before, **extra))
    account = runtime.records.create(admin_ctx, "account", {"name": "ACME"})
    record = runtime.records.create(admin_ctx, "w", {"a": "x", "b": account["id"] if value is ACCOUNT_ID else value})

    result = publish(object_doc("w", A, after, **extra), confirm=True)

    assert ("drop_column", "w.b") in [(s["op"], s["target"]) for s in result["steps"]]
    assert_indexes_match_model(runtime)
    assert runtime.records.get(admin_ctx, "w", record["id"])["b"] is None


def test_renaming_narrowing_and_removing_fields_of_indexes_keeps_the_indexes_as_declared(
        runtime, admin_ctx, publish):
    a = {"name": "a", "type": "text", "max_length": 20, "indexed": True}
    code = {"name": "code", "type": "text", "max_length": 20, "unique": True}
    publish(object_doc("w", a, code, {"name": "b", "type": "date"}, indexes=[{"fields": ["a", "b"]}]))
    runtime.records.create(admin_ctx, "w", {"a": "abcdefgh", "code": "AB-1", "b": "2024-05-01"})

    renamed = object_doc("w", a, code, {"name": "c", "type": "date", "indexed": True}, indexes=[{"fields": ["a", "c"]}])
    publish(renamed, confirm=True)
    assert_indexes_match_model(runtime)
    narrowed = object_doc("w", {**a, "max_length": 4}, {**code, "max_length": 4}, *renamed["fields"][2:],
                          indexes=[{"fields": ["a", "code"]}])
    publish(narrowed, confirm=True)
    assert_indexes_match_model(runtime)
    publish(object_doc("w", {**a, "max_length": 4}), confirm=True)
    assert_indexes_match_model(runtime)


def test_narrowing_a_unique_field_until_two_values_collide_is_refused_and_changes_nothing(
        runtime, admin_ctx, publish):
    code = {"name": "code", "type": "text", "max_length": 20, "unique": True}
    publish(object_doc("w", code))
    runtime.records.create_many(admin_ctx, "w", [{"code": "ABC-1"}, {"code": "ABC-2"}])

    with pytest.raises(PublishRefused) as refused:
        publish(object_doc("w", {**code, "max_length": 3}), confirm=True)

    assert "w.code" in str(refused.value)
    assert [r["code"] for r in runtime.records.list(admin_ctx, "w")["items"]] == ["ABC-1", "ABC-2"]
    assert history_rows(runtime) == [] and updated_events(runtime) == []
    assert_indexes_match_model(runtime)


# -- what each lossy kind records -------------------------------------------------------------------

MULTI = {"name": "f", "type": "multi_picklist", "options": ["A", "B", "C"]}

LOSSY_KINDS = {
    "a text made shorter": (
        {"name": "f", "type": "text", "max_length": 50}, {"name": "f", "type": "text", "max_length": 5},
        ["0123456789", "short", None], {0: ("0123456789", "01234")}),
    "a picklist option removed": (
        {"name": "f", "type": "picklist", "options": ["X", "Y"]}, {"name": "f", "type": "picklist", "options": ["X"]},
        ["Y", "X", None], {0: ("Y", None)}),
    "a multi-picklist option removed": (
        MULTI, {**MULTI, "options": ["A", "C"]},
        [["A", "B"], ["B"], ["A", "C"], None], {0: (["A", "B"], ["A"]), 1: (["B"], None)}),
    "a text turned into a number": (
        {"name": "f", "type": "text"}, {"name": "f", "type": "number"},
        ['say "hi"\\now', None, "42"], {0: ('say "hi"\\now', None), 2: ("42", None)}),
    "a text turned into a picklist": (
        {"name": "f", "type": "text"}, {"name": "f", "type": "picklist", "options": ["A", "B"]},
        ["A", "Z", None], {1: ("Z", None)}),
    "a currency given fewer digits": (
        {"name": "f", "type": "currency", "precision": 18, "scale": 2},
        {"name": "f", "type": "currency", "precision": 4, "scale": 2},
        ["12500.50", "7.25", None], {0: ("12500.50", None)}),
    "a number given fewer decimals": (
        {"name": "f", "type": "number", "precision": 18, "scale": 2},
        {"name": "f", "type": "number", "precision": 4, "scale": 0},
        ["12.50", "7.00", "9999.60", "-0.40", None], {0: ("12.50", "13"), 2: ("9999.60", None), 3: ("-0.40", "0")}),
    "a field removed": (
        {"name": "f", "type": "date"}, None,
        ["2024-05-01", None, "2025-01-31"], {0: ("2024-05-01", None), 2: ("2025-01-31", None)}),
}


@pytest.mark.parametrize("before, after, values, changed", LOSSY_KINDS.values(), ids=list(LOSSY_KINDS))
def test_a_confirmed_lossy_change_records_history_an_event_and_a_version_for_exactly_the_changed_records(
        runtime, admin_ctx, publish, before, after, values, changed):
    name = {"name": "name", "type": "text"}
    publish(object_doc("item", name, before))
    ids = runtime.records.create_many(admin_ctx, "item", [{"name": f"r{i}", "f": v} for i, v in enumerate(values)])

    publish(object_doc("item", name, *([after] if after else [])), confirm=True)

    assert_recorded(runtime, admin_ctx, "item", {ids[i]: {"f": change} for i, change in changed.items()})


def test_narrowing_and_removing_an_option_together_write_one_event_per_record_with_both_changes(
        runtime, admin_ctx, publish):
    a, p = {"name": "a", "type": "text", "max_length": 50}, {"name": "p", "type": "picklist", "options": ["X", "Y"]}
    publish(object_doc("item", a, p))
    ids = runtime.records.create_many(admin_ctx, "item", [
        {"a": "0123456789", "p": "Y"}, {"a": "abc", "p": "X"}, {"a": "abcdefgh", "p": "X"}, {"a": None, "p": "Y"}])

    publish(object_doc("item", {**a, "max_length": 5}, {**p, "options": ["X"]}), confirm=True)

    assert_recorded(runtime, admin_ctx, "item", {
        ids[0]: {"a": ("0123456789", "01234"), "p": ("Y", None)},
        ids[2]: {"a": ("abcdefgh", "abcde")},
        ids[3]: {"p": ("Y", None)},
    })
    record = runtime.records.get(admin_ctx, "item", ids[0])
    assert (record["a"], record["p"], record["version"]) == ("01234", None, 2)


SOURCE_VALUES = {
    "currency": ({"type": "currency"}, "12500.50"),
    "percent": ({"type": "percent"}, "0.1500"),
    "number without decimals": ({"type": "number", "scale": 0}, "42"),
    "boolean": ({"type": "boolean"}, True),
    "date": ({"type": "date"}, "2024-05-01"),
    "datetime": ({"type": "datetime"}, "2024-05-01T10:30:00Z"),
    "datetime with microseconds": ({"type": "datetime"}, "2024-05-01T10:30:00.123456Z"),
    "multi-picklist": ({"type": "multi_picklist", "options": ["A", "B"]}, ["A", "B"]),
    "lookup": ({"type": "lookup", "target": "account"}, ACCOUNT_ID),
    "long text": ({"type": "long_text"}, "line one\nline two\ttabbed"),
}


@pytest.mark.parametrize("source, value", SOURCE_VALUES.values(), ids=list(SOURCE_VALUES))
def test_the_recorded_old_value_of_a_replaced_column_is_the_value_the_api_showed(
        runtime, admin_ctx, publish, source, value):
    publish(ACCOUNT, object_doc("item", {"name": "f", **source}))
    account = runtime.records.create(admin_ctx, "account", {"name": "ACME"})
    item = runtime.records.create(admin_ctx, "item", {"f": account["id"] if value is ACCOUNT_ID else value})

    publish(object_doc("item", {"name": "f", "type": "date" if source["type"] == "boolean" else "boolean"}),
            confirm=True)

    assert_recorded(runtime, admin_ctx, "item", {item["id"]: {"f": (item["f"], None)}})


def test_the_record_history_shows_the_migration_as_a_change_by_the_publishing_admin(runtime, admin_ctx, publish):
    a = {"name": "a", "type": "text", "max_length": 50}
    publish(object_doc("item", a))
    record = runtime.records.create(admin_ctx, "item", {"a": "0123456789"})

    publish(object_doc("item", {**a, "max_length": 5}), confirm=True)

    entries = runtime.records.history(admin_ctx, "item", record["id"])
    assert [(e["action"], e["field"], e["old"], e["new"], e["actor"]) for e in entries] == [
        ("created", None, None, None, admin_ctx.user_id), ("changed", "a", "0123456789", "01234", admin_ctx.user_id)]


def test_an_update_with_the_version_read_before_the_migration_is_refused_as_stale(runtime, admin_ctx, publish):
    a = {"name": "a", "type": "text", "max_length": 50}
    publish(object_doc("item", a))
    record = runtime.records.create(admin_ctx, "item", {"a": "0123456789"})
    publish(object_doc("item", {**a, "max_length": 5}), confirm=True)

    with pytest.raises(StaleVersion):
        runtime.records.update(admin_ctx, "item", record["id"], {"a": "new", "version": record["version"]})


def test_roll_ups_over_values_a_migration_cleared_are_recomputed(runtime, admin_ctx, publish):
    qty = {"name": "qty", "type": "number", "precision": 18, "scale": 2}
    parent = object_doc("account", {"name": "name", "type": "text"},
                        {"name": "total", "type": "rollup", "child": "line", "via": "account",
                         "function": "SUM", "of": "qty"})
    line = lambda q: object_doc("line", q, {"name": "account", "type": "lookup", "target": "account"})  # noqa: E731
    publish(parent, line(qty))
    account = runtime.records.create(admin_ctx, "account", {"name": "ACME"})
    runtime.records.create_many(admin_ctx, "line", [{"qty": "150", "account": account["id"]},
                                                    {"qty": "20", "account": account["id"]}])

    publish(line({**qty, "precision": 4}), confirm=True)

    assert runtime.records.get(admin_ctx, "account", account["id"])["total"] == "20.00"


def test_the_migration_is_recorded_through_the_api_as_the_admin_who_published(api):
    item = object_doc("item", {"name": "a", "type": "text", "max_length": 50})
    assert api.put("/api/v1/metadata/object/item", json=item).status_code == 200
    assert api.post("/api/v1/metadata/publish", json={}).status_code == 200
    record = api.post("/api/v1/objects/item/records", json={"a": "0123456789"}).get_json()
    me = api.get(f"/api/v1/objects/item/records/{record['id']}/history").get_json()["items"][0]["actor"]

    api.put("/api/v1/metadata/object/item", json=object_doc("item", {"name": "a", "type": "text", "max_length": 5}))
    assert api.post("/api/v1/metadata/publish", json={"confirm_data_loss": True}).status_code == 200

    entries = api.get(f"/api/v1/objects/item/records/{record['id']}/history").get_json()["items"]
    assert [(e["field"], e["old"], e["new"], e["actor"]) for e in entries[1:]] == [("a", "0123456789", "01234", me)]
    assert api.get(f"/api/v1/objects/item/records/{record['id']}").get_json()["version"] == 2


# -- nothing recorded when nothing is applied ---------------------------------------------------------

def snapshot(runtime):
    with runtime.read() as conn:
        rows = conn.execute(sa.text("SELECT id, version, a, p FROM obj_item ORDER BY id")).all()
    return rows, history_rows(runtime), event_count(runtime)


@pytest.fixture
def items(runtime, admin_ctx, publish):
    a, p = {"name": "a", "type": "text", "max_length": 50}, {"name": "p", "type": "picklist", "options": ["X", "Y"]}
    publish(object_doc("item", a, p))
    runtime.records.create_many(admin_ctx, "item", [{"a": "0123456789", "p": "Y"}, {"a": "abc", "p": "X"}])
    return object_doc("item", {**a, "max_length": 5}, {**p, "options": ["X"]},
                      {"name": "tag", "type": "text", "indexed": True})


def test_an_unconfirmed_lossy_publish_changes_no_value_history_event_or_version(runtime, publish, items):
    before = snapshot(runtime)
    with pytest.raises(LossyChangeRefused):
        publish(items)
    assert snapshot(runtime) == before


def test_a_failure_after_the_values_were_rewritten_and_recorded_rolls_everything_back(
        runtime, publish, items, monkeypatch):
    before = snapshot(runtime)
    calls = []
    for name, applier in list(migrate.APPLIERS.items()):
        def spy(ops, step, ctx, _applier=applier, _name=name):
            if _name == "create_index":
                raise RuntimeError("create_index failed on purpose")
            calls.append(_name)
            return _applier(ops, step, ctx)
        monkeypatch.setitem(migrate.APPLIERS, name, spy)

    with pytest.raises(RuntimeError):
        publish(items, confirm=True)

    assert {"alter_column", "restrict_values", "record_value_changes"} <= set(calls), calls
    assert snapshot(runtime) == before


def deleted_events(runtime):
    with runtime.read() as conn:
        rows = conn.execute(sa.select(outbox).where(outbox.c.event_type == "record.deleted").order_by(outbox.c.id))
        return [(r.object, r.record_id, r.payload) for r in rows]


def test_a_confirmed_drop_of_an_object_writes_a_deleted_event_per_record_with_its_values(
        runtime, admin_ctx, publish):
    many = [{"name": f"f{i}", "type": "number", "precision": 9, "scale": 0} for i in range(45)]
    item = object_doc("item", {"name": "title", "type": "text"}, {"name": "tags", "type": "multi_picklist",
                                                                   "options": ["a", "b"]}, *many)
    publish(item)
    ids = runtime.records.create_many(admin_ctx, "item", [
        {"title": "first", "tags": ["a", "b"], "f44": "7"}, {"title": None}])

    publish(deleted=["item"], confirm=True)

    events = deleted_events(runtime)
    assert [(o, r) for o, r, _ in events] == [("item", ids[0]), ("item", ids[1])]
    first, second = events[0][2], events[1][2]
    assert (first["reason"], first["revision"]) == ("migration", 2)
    assert first["values"]["title"] == "first" and first["values"]["tags"] == ["a", "b"]
    assert first["values"]["f44"] == "7" and first["values"]["f0"] is None
    assert second["values"]["title"] is None and len(second["values"]) == 47


def test_an_unconfirmed_drop_of_an_object_with_records_writes_no_event(runtime, admin_ctx, publish):
    publish(object_doc("item", {"name": "title", "type": "text"}))
    runtime.records.create(admin_ctx, "item", {"title": "kept"})
    with pytest.raises(LossyChangeRefused):
        publish(deleted=["item"])
    assert deleted_events(runtime) == []
