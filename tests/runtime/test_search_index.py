"""Search indexes: publishing gives every searchable field the index over ``lower(field)`` a
search's range reads, keeps it through column changes, and moves it with the title field."""

import sqlalchemy as sa

from tessera.runtime import Context
from tessera.runtime.identity.users import create_user
from tessera.runtime.records.search import search_condition
from tests.helpers import object_doc
from tests.runtime.conftest import publish_documents

TITLE = {"name": "title", "type": "text", "max_length": 100}
CODE = {"name": "code", "type": "text", "indexed": True}


def search_indexes(conn, table):
    """The names of the search (``sx_``) indexes the database holds on ``table``."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"),
                            {"t": table})
    else:
        rows = conn.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = :t "
                                    "AND schemaname = current_schema()"), {"t": table})
    return sorted(name for (name,) in rows if name.startswith("sx_"))


def indexes_of(runtime):
    with runtime.read() as conn:
        return search_indexes(conn, "obj_deal")


def test_publishing_an_object_indexes_its_title_and_flagged_text_fields_for_search(runtime):
    publish_documents(runtime, object_doc("deal", TITLE, CODE, {"name": "notes", "type": "text"}))
    assert indexes_of(runtime) == ["sx_deal_code", "sx_deal_title"]


def test_the_search_index_survives_a_column_change_and_follows_the_title_field(runtime):
    publish_documents(runtime, object_doc("deal", TITLE, CODE))
    publish_documents(runtime, object_doc("deal", {**TITLE, "max_length": 300}, CODE))
    assert indexes_of(runtime) == ["sx_deal_code", "sx_deal_title"]
    publish_documents(runtime, object_doc("deal", TITLE, {"name": "code", "type": "text"}, title_field="code"))
    assert indexes_of(runtime) == ["sx_deal_code"]
    publish_documents(runtime, object_doc("deal", TITLE), confirm=True)
    assert indexes_of(runtime) == ["sx_deal_title"]


def test_a_search_is_answered_from_the_index_on_sqlite(runtime):
    publish_documents(runtime, object_doc("deal", TITLE))
    with runtime.write() as conn:
        ann = create_user(conn, "ann", is_admin=True)
    runtime.records.create_many(Context(user_id=ann, username="ann", is_admin=True), "deal",
                                [{"title": f"Deal {i}"} for i in range(50)])
    with runtime.read() as conn:
        obj = runtime.model(conn).objects["deal"]
        query = sa.select(obj.table.c.id).where(search_condition(obj, ["title"], "deal 4", conn.dialect.name))
        assert len(conn.execute(query).all()) == 1 + 10  # "Deal 4" and "Deal 40".."Deal 49"
        if conn.dialect.name == "sqlite":
            compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "sx_deal_title" in plan


def test_a_page_of_a_common_prefix_lists_the_same_records_read_in_its_own_order(runtime, monkeypatch):
    """On SQLite a prefix many records share is listed without the search index (which would
    read the whole range and sort it): the same records come back, in the same order."""
    publish_documents(runtime, object_doc("deal", TITLE))
    with runtime.write() as conn:
        ann = create_user(conn, "ann", is_admin=True)
    ctx = Context(user_id=ann, username="ann", is_admin=True)
    runtime.records.create_many(ctx, "deal", [{"title": f"Deal {i}"} for i in range(30)] + [{"title": "Other"}])
    rare = runtime.records.list(ctx, "deal", search="deal", limit=10)
    monkeypatch.setattr("tessera.runtime.records.search.COMMON_PREFIX", 5)
    common = runtime.records.list(ctx, "deal", search="deal", limit=10)
    assert [r["id"] for r in common["items"]] == [r["id"] for r in rare["items"]]
    assert [r["title"] for r in common["items"]][:2] == ["Deal 0", "Deal 1"]
