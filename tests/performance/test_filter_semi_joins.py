"""KPI filters through a lookup: compiled as semi-joins, the same rows pass as through the join.

A KPI's filter only ever decides whether a row counts (WHERE, CASE WHEN), so a comparison
through one lookup may become ``lookup IN (SELECT id FROM target WHERE ...)``. Each filter
below is run both ways over records covering every case (no lookup, a target with and
without the value, a self-lookup, a user lookup), and the ids passing must be the same.
"""

import pytest
import sqlalchemy as sa

from tessera.formula import check, compile_sql, compile_sql_filter
from tessera.metadata.formulas import scope_for
from tessera.runtime import Context
from tessera.runtime.identity.users import create_user
from tessera.runtime.schema.formulas import TableBinder
from tests.runtime.conftest import publish_documents

from .documents import ACCOUNT, OPPORTUNITY

PARENTED_ACCOUNT = {**ACCOUNT, "fields": [*ACCOUNT["fields"], {"name": "parent", "type": "lookup", "target": "account"}]}

FILTERS = [
    'account.region = "North"',
    'account.region != "North"',
    'stage = "Won" AND account.region = "North"',
    'account.region = "North" OR stage = "Lost"',
    'account.name > "B" AND (account.region = "South" OR amount >= 100)',
    'sales_engineer.username = "ann"',
    'NOT account.region = "North"',
    'IF(account.region = "North", TRUE, FALSE)',
    'ISBLANK(account.region) AND stage = "Won"',
]
ACCOUNT_FILTERS = ['parent.region = "North"', 'parent.region != "South" OR name = "Alone"']


@pytest.fixture
def filled(runtime):
    publish_documents(runtime, PARENTED_ACCOUNT, OPPORTUNITY)
    with runtime.write() as conn:
        ann, bob = create_user(conn, "ann", is_admin=True), create_user(conn, "bob")
    ctx = Context(user_id=ann, username="ann", is_admin=True)
    create = runtime.records.create
    north = create(ctx, "account", {"name": "Aurora", "region": "North"})["id"]
    south = create(ctx, "account", {"name": "Boreal", "region": "South", "parent": north})["id"]
    blank = create(ctx, "account", {"name": "Cirrus", "parent": south})["id"]
    create(ctx, "account", {"name": "Alone"})
    for account in (north, south, blank, None):
        for stage, engineer, amount in (("Won", ann, "150"), ("Lost", bob, "50"), ("Open", None, None)):
            create(ctx, "opportunity", {"title": "deal", "stage": stage, "account": account, "amount": amount,
                                        "sales_engineer": engineer})
    return runtime


def _ids(runtime, object_name, source, compile_with):
    with runtime.read() as conn:
        model = runtime.model(conn)
        checked = check(source, scope_for(model.documents, object_name), context="filter")
        binder = TableBinder(model, model.objects[object_name], runtime.eval_env(), conn.dialect.name)
        condition = compile_with(checked, binder, runtime.eval_env())
        query = sa.select(binder.root.c.id).select_from(binder.from_clause).where(condition)
        sql = str(query.compile(dialect=conn.dialect))
        return sorted(conn.execute(query).scalars()), sql


@pytest.mark.parametrize("source", FILTERS)
def test_a_filter_passes_the_same_opportunities_as_a_semi_join_and_as_a_join(filled, source):
    semi, _ = _ids(filled, "opportunity", source, compile_sql_filter)
    joined, _ = _ids(filled, "opportunity", source, compile_sql)
    assert semi == joined


@pytest.mark.parametrize("source", ACCOUNT_FILTERS)
def test_a_self_lookup_filter_passes_the_same_accounts_as_a_semi_join_and_as_a_join(filled, source):
    semi, sql = _ids(filled, "account", source, compile_sql_filter)
    joined, _ = _ids(filled, "account", source, compile_sql)
    assert semi == joined and semi
    assert " JOIN " not in sql


def test_a_comparison_through_a_lookup_reads_the_target_in_a_subquery_instead_of_joining(filled):
    semi, sql = _ids(filled, "opportunity", 'stage = "Won" AND account.region = "North"', compile_sql_filter)
    assert " JOIN " not in sql and "IN (SELECT" in sql
    assert len(semi) == 1


def test_a_comparison_under_not_keeps_the_join_where_null_and_false_differ(filled):
    _, sql = _ids(filled, "opportunity", 'NOT account.region = "North"', compile_sql_filter)
    assert "LEFT OUTER JOIN" in sql
