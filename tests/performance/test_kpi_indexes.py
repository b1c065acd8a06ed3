"""The indexes published KPIs ask for exist in the database and answer the KPIs' queries."""

import sqlalchemy as sa

from tessera.metadata import store
from tessera.runtime.schema.columns import index_name
from tests.runtime.conftest import publish_documents, publish_drafts

from .documents import OBJECTS, REVENUE, SPLIT_CREDIT, kpi

SPLIT_REVENUE = kpi("split_revenue", filter='stage = "Won"', credit=SPLIT_CREDIT)
OWNER_COLUMNS = ["owner_id", "close_date", "amount", "stage"]


def indexes(runtime, table):
    return {i["name"]: i["column_names"] for i in sa.inspect(runtime.engine).get_indexes(table)}


def test_publishing_kpis_creates_their_indexes_and_removing_one_drops_its_index(runtime):
    publish_documents(runtime, *OBJECTS, REVENUE, SPLIT_REVENUE)
    found = indexes(runtime, "obj_opportunity")
    assert found[index_name("opportunity", OWNER_COLUMNS, False)] == OWNER_COLUMNS
    assert found[index_name("opportunity", ["close_date", "amount", "id", "stage"], False)] == [
        "close_date", "amount", "id", "stage"]
    assert ["opportunity", "member", "share"] in indexes(runtime, "obj_opportunity_split").values()
    with runtime.write() as conn:
        store.save_draft(conn, "kpi", "split_revenue", None, "admin")
    publish_drafts(runtime)
    assert index_name("opportunity", OWNER_COLUMNS, False) in indexes(runtime, "obj_opportunity")
    assert ["close_date", "amount", "id", "stage"] not in indexes(runtime, "obj_opportunity").values()
    assert ["opportunity", "member", "share"] not in indexes(runtime, "obj_opportunity_split").values()


def test_a_leaderboard_query_on_sqlite_reads_the_index_alone(runtime):
    if runtime.engine.dialect.name != "sqlite":
        return  # PostgreSQL's choice depends on its statistics and visibility map, not on us
    publish_documents(runtime, *OBJECTS, REVENUE)
    statements = []
    sa.event.listen(runtime.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, params, context, many: statements.append((statement, params)))
    runtime.performance.actuals("revenue", ["2026-Q1"])
    statement, params = next(s for s in statements if "obj_opportunity" in s[0])
    with runtime.read() as conn:
        plan = " ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
    assert "COVERING INDEX " + index_name("opportunity", OWNER_COLUMNS, False) in plan
