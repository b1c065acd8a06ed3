"""The index the flow versions are counted from reaches databases made before it existed."""

from sqlalchemy import inspect, text


def _indexes(runtime):
    with runtime.read() as conn:
        return {ix["name"] for ix in inspect(conn).get_indexes("tessera_approval")}


def test_creating_the_schema_again_adds_the_flow_version_index_a_database_lacks(runtime):
    with runtime.write() as conn:
        conn.execute(text("DROP INDEX ix_approval_flow_version"))
    assert "ix_approval_flow_version" not in _indexes(runtime)
    runtime.create_schema()
    runtime.create_schema()  # and again: nothing to do
    assert "ix_approval_flow_version" in _indexes(runtime)
