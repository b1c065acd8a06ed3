"""The access policy's contract, stated on its own: one entry point decides what a context
may do with an object, a record and a set of records, with no records service involved."""

import pytest
from sqlalchemy import insert, select

from tessera.formula import EvalEnv
from tessera.metadata import store
from tessera.runtime import Context
from tessera.runtime.access.policy import AccessPolicy
from tessera.runtime.context import TokenScope
from tessera.runtime.errors import FieldAccessDenied, PermissionDenied, RecordNotFound, ScopeExceeded
from tessera.runtime.identity.principal import context_for_user
from tessera.runtime.identity.units import create_unit
from tessera.runtime.identity.users import create_user
from tessera.runtime.schema.formulas import org_clock
from tessera.runtime.schema.model import ModelCache
from tessera.runtime.schema.system_tables import record_share, user_permission_set, user_role
from tests.helpers import object_doc

DEAL = object_doc(
    "deal",
    {"name": "title", "type": "text", "required": True},
    {"name": "amount", "type": "currency"},
    {"name": "margin", "type": "currency"},
    sharing="private",
)
REP = {"kind": "permission_set", "name": "rep", "objects": {
    "deal": {"create": True, "read": True, "edit": True, "delete": True, "fields": {"margin": {"read": False}}}}}
VIEWER = {"kind": "permission_set", "name": "viewer", "objects": {"deal": {"read": True}}}
TITLE_LOCKED = {"kind": "permission_set", "name": "title_locked", "objects": {
    "deal": {"create": True, "read": True, "fields": {"title": {"read": True, "edit": False}}}}}
BIG_DEALS_TO_MANAGERS = {"kind": "sharing_rule", "name": "big_deals", "object": "deal", "criteria": "amount > 1000",
                         "access": "read", "share_with": {"role": "manager"}}


def standalone_policy():
    """An AccessPolicy built from its own model cache and a plain formula environment."""
    models = ModelCache(lambda conn: (store.current_revision(conn), store.list_documents(conn, published=True)))
    return AccessPolicy(lambda conn: models.get(conn, store.current_revision(conn)),
                        lambda ctx: EvalEnv(*org_clock("UTC"), user={"id": ctx.user_id, "roles": list(ctx.roles)}))


@pytest.fixture
def crm(runtime, publish):
    """Published deals; alice and bob are reps, vic a viewer, tom may create but not set titles,
    mia a manager to whom big deals are shared; alice owns deal 'a' (50), bob deal 'b' (5000)."""
    publish(DEAL, REP, VIEWER, TITLE_LOCKED, BIG_DEALS_TO_MANAGERS)
    people = {"alice": "rep", "bob": "rep", "vic": "viewer", "tom": "title_locked", "mia": "viewer"}
    with runtime.write() as conn:
        ids = {name: create_user(conn, name) for name in people}
        conn.execute(insert(user_permission_set), [{"user_id": ids[n], "permission_set": s} for n, s in people.items()])
        role_id = create_unit(conn, "role", "manager")["id"]
        conn.execute(insert(user_role), [{"user_id": ids["mia"], "role_id": role_id}])
    with runtime.read() as conn:
        model = runtime.model(conn)
        ctxs = {name: context_for_user(conn, model, ids[name]) for name in people}
    records = {"a": runtime.records.create(ctxs["alice"], "deal", {"title": "a", "amount": 50})["id"],
               "b": runtime.records.create(ctxs["bob"], "deal", {"title": "b", "amount": 5000})["id"]}
    return runtime, ctxs, records


def deal_of(runtime, conn):
    return runtime.model(conn).objects["deal"]


def visible_ids(conn, obj, condition):
    query = select(obj.table.c.id)
    return set(conn.execute(query if condition is None else query.where(condition)).scalars())


def test_policy_decides_row_access_without_a_record_service(crm):
    runtime, ctxs, records = crm
    policy = standalone_policy()
    with runtime.read() as conn:
        deal = deal_of(runtime, conn)
        assert visible_ids(conn, deal, policy.records(conn, ctxs["alice"], deal).condition) == {records["a"]}
        assert policy.record(conn, ctxs["alice"], deal, records["a"])["title"] == "a"
        with pytest.raises(RecordNotFound):
            policy.record(conn, ctxs["alice"], deal, records["b"])


def test_a_sharing_rule_opens_rows_to_its_role_through_a_standalone_policy(crm):
    runtime, ctxs, records = crm
    policy = standalone_policy()
    with runtime.read() as conn:
        deal = deal_of(runtime, conn)
        assert visible_ids(conn, deal, policy.records(conn, ctxs["mia"], deal).condition) == {records["b"]}


def test_an_administrator_reaches_every_row_without_a_condition(crm, admin_ctx):
    runtime, _, records = crm
    with runtime.read() as conn:
        deal = deal_of(runtime, conn)
        reach = runtime.access.records(conn, admin_ctx, deal)
        assert reach.condition is None and reach.readable == list(deal.fields)
        assert runtime.access.record(conn, admin_ctx, deal, records["b"], "delete")["id"] == records["b"]


def test_a_record_is_not_editable_with_only_the_read_right(crm):
    runtime, ctxs, records = crm
    with runtime.write() as conn:
        deal = deal_of(runtime, conn)
        with pytest.raises(PermissionDenied, match="you may not edit deal records"):
            runtime.access.record(conn, ctxs["vic"], deal, records["a"], "edit")


def test_a_read_only_token_limits_even_an_administrator(crm, admin_ctx):
    runtime, _, records = crm
    scoped = Context(user_id=admin_ctx.user_id, username="admin", is_admin=True, scope=TokenScope(read_only=True))
    with runtime.write() as conn:
        deal = deal_of(runtime, conn)
        assert runtime.access.record(conn, scoped, deal, records["a"])["id"] == records["a"]
        for action in ("edit", "delete", "transfer", "share"):
            with pytest.raises(ScopeExceeded):
                runtime.access.record(conn, scoped, deal, records["a"], action)


def test_a_record_shared_for_reading_is_readable_but_not_editable_or_deletable(crm):
    runtime, ctxs, records = crm
    with runtime.write() as conn:
        conn.execute(insert(record_share), [{
            "object": "deal", "record_id": records["b"], "grantee_type": "user", "grantee_id": ctxs["alice"].user_id,
            "access": "read", "created_by": ctxs["bob"].user_id, "created_at": store.utcnow()}])
    with runtime.write() as conn:
        deal = deal_of(runtime, conn)
        assert runtime.access.record(conn, ctxs["alice"], deal, records["b"])["title"] == "b"
        for action in ("edit", "delete", "share", "transfer"):
            with pytest.raises(PermissionDenied, match=f"you may not {action} this deal record"):
                runtime.access.record(conn, ctxs["alice"], deal, records["b"], action)


def test_the_field_grant_hides_and_locks_fields(crm):
    runtime, ctxs, _ = crm
    with runtime.read() as conn:
        deal = deal_of(runtime, conn)
        grant = runtime.access.object_access(ctxs["alice"], deal, "edit")
        assert "margin" not in grant.readable and "amount" in grant.editable
        grant.check_writes(["title", "amount"])
        with pytest.raises(FieldAccessDenied, match="a field you cannot read"):
            grant.check_writes(["margin"])
        with pytest.raises(FieldAccessDenied, match="only through a transfer"):
            grant.check_writes(["owner"])


def test_creating_needs_every_required_field_to_be_editable(crm):
    runtime, ctxs, _ = crm
    with runtime.read() as conn:
        deal = deal_of(runtime, conn)
        with pytest.raises(PermissionDenied, match="a required field is not editable"):
            runtime.access.object_access(ctxs["tom"], deal, "create")
        assert runtime.access.object_access(ctxs["tom"], deal, "read").readable == list(deal.fields)


def test_a_formula_reading_a_hidden_field_is_refused_by_the_policy(crm):
    runtime, ctxs, _ = crm
    with runtime.read() as conn:
        model = runtime.model(conn)
        with pytest.raises(FieldAccessDenied):
            runtime.access.check_formula(ctxs["alice"], model, model.objects["deal"], "margin > 1")
        assert runtime.access.check_formula(ctxs["alice"], model, model.objects["deal"], "amount > 1").pushable


def test_evaluating_a_formula_reads_the_record_through_the_policy(crm):
    runtime, ctxs, records = crm
    assert runtime.formulas.evaluate(ctxs["alice"], "deal", "amount * 2", record_id=records["a"]) == {
        "value": "100.00", "type": "currency"}
    with pytest.raises(RecordNotFound):
        runtime.formulas.evaluate(ctxs["alice"], "deal", "amount * 2", record_id=records["b"])
    with pytest.raises(FieldAccessDenied):
        runtime.formulas.check(ctxs["alice"], "deal", "margin * 2")


def test_readable_objects_name_the_readable_fields_within_the_token_scope(crm):
    runtime, ctxs, _ = crm
    alice = ctxs["alice"]
    scoped = Context(user_id=alice.user_id, username="alice", rights=alice.rights,
                     scope=TokenScope(objects=frozenset({"account"})))
    with runtime.read() as conn:
        model = runtime.model(conn)
        assert runtime.access.readable_objects(alice, model) == {"deal": ["title", "amount"]}
        assert runtime.access.readable_objects(scoped, model) == {}
