"""Record-level access across lookups: a formula a user writes sees only the target records
they may read, and a lookup they set must name such a record.

Accounts are private here. Bob owns the account "Hidden Acct" and shares his deal on it
with Alice, so she reads the deal but not its account. Alice and Bob hold the same role,
so neither sees the other's records.
"""

import pytest
from sqlalchemy import func, select

from tests.helpers import define, object_doc
from tests.identity.conftest import OPPORTUNITY, SALES_REP, titles, url
from tests.platform.support import assert_problem

ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True},
                     {"name": "parent", "type": "lookup", "target": "account", "on_delete": "set_null"},
                     sharing="private")
DEAL = {**OPPORTUNITY, "fields": OPPORTUNITY["fields"] + [
    {"name": "account", "type": "lookup", "target": "account", "on_delete": "set_null"},
    {"name": "account_name", "type": "formula", "returns": "text", "expression": "account.name"}]}
ACCOUNT_NOTE = object_doc("account_note", {"name": "body", "type": "text"},
                          {"name": "account", "type": "master_detail", "target": "account"}, sharing="private")
RIGHTS = {**SALES_REP, "objects": {**SALES_REP["objects"],
                                   "account_note": {"create": True, "read": True, "edit": True}}}

MISSING = 999999
#: Error messages differ only in the id they name, replaced by this before comparing.
PLACEHOLDER = "<id>"

#: The lookup checks need the actor: until RecordService passes it to check_references
#: (tessera/runtime/records.py), these fail; strict, so the mark goes when it does.


@pytest.fixture
def crm(org):
    """The org with private accounts, deals on them and account notes published."""
    assert define(org.admin, ACCOUNT, DEAL, ACCOUNT_NOTE, RIGHTS).status_code == 200
    return org


def new_account(org, username, name, **values):
    """Create an account as ``username``; return its id."""
    response = org[username].post(url(object_name="account"), json={"name": name, **values})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def share(org, owner, object_name, record_id, grantee, access="read"):
    """Share a record of ``owner`` with ``grantee`` (a username)."""
    response = org[owner].post(url(record_id, object_name, "/share"),
                               json={"user": org.ids[grantee], "access": access})
    assert response.status_code == 201, response.get_json()


def shared_deal_on_hidden_account(org):
    """Bob's account and his deal on it, the deal shared with Alice; return (account, deal)."""
    account = new_account(org, "bob", "Hidden Acct")
    deal = org.create("bob", title="bob deal", account=account)
    share(org, "bob", "opportunity", deal, "alice")
    return account, deal


def evaluate(client, expression, **source):
    """POST /formula/evaluate on opportunity; return the value."""
    response = client.post("/api/v1/formula/evaluate",
                           json={"object": "opportunity", "expression": expression, **source})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["value"]


def deal_count(org):
    """How many opportunities exist, counted as the system."""
    with org.runtime.read() as conn:
        _, obj = org.runtime.object_for(conn, "opportunity")
        return conn.execute(select(func.count()).select_from(obj.table)).scalar_one()


def same_problem(hidden_response, missing_response, hidden_id):
    """Assert both answers are the same 422 once the id they name is blanked out."""
    hidden = assert_problem(hidden_response, 422, "validation_failed")
    missing = assert_problem(missing_response, 422, "validation_failed")
    assert _without_id(hidden, hidden_id) == _without_id(missing, MISSING)
    return hidden


def _without_id(body, record_id):
    """A problem body whose error messages name ``PLACEHOLDER`` instead of ``record_id``."""
    errors = {path: [m.replace(f"id {record_id}", f"id {PLACEHOLDER}") for m in messages]
              for path, messages in body["errors"].items()}
    return {**body, "errors": errors}


# -- formulas the user writes ---------------------------------------------------------------

def test_evaluate_with_given_values_reads_null_through_an_account_the_user_cannot_read(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    assert evaluate(crm["alice"], "account.name", record={"account": hidden}) is None
    assert evaluate(crm["alice"], "ISBLANK(account.name)", record={"account": hidden}) is True
    assert evaluate(crm["bob"], "account.name", record={"account": hidden}) == "Hidden Acct"


def test_evaluate_with_given_values_follows_formula_fields_as_the_user(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    assert evaluate(crm["alice"], "account_name", record={"account": hidden}) is None


def test_evaluate_of_a_stored_record_reads_null_through_an_account_the_user_cannot_read(crm):
    _, deal = shared_deal_on_hidden_account(crm)
    assert evaluate(crm["alice"], "account.name", record_id=deal) is None
    assert evaluate(crm["bob"], "account.name", record_id=deal) == "Hidden Acct"


def test_evaluate_reads_a_visible_account_and_one_shared_with_the_user(crm):
    own = new_account(crm, "alice", "Alice Acct")
    assert evaluate(crm["alice"], "account.name", record={"account": own}) == "Alice Acct"
    account, deal = shared_deal_on_hidden_account(crm)
    assert evaluate(crm["alice"], "account.name", record_id=deal) is None
    share(crm, "bob", "account", account, "alice")
    assert evaluate(crm["alice"], "account.name", record_id=deal) == "Hidden Acct"


def test_evaluate_reads_null_at_the_first_hidden_hop_of_a_longer_path(crm):
    parent = new_account(crm, "bob", "Hidden Parent")
    child = new_account(crm, "bob", "Child", parent=parent)
    share(crm, "bob", "account", child, "alice")
    assert evaluate(crm["alice"], "account.name", record={"account": child}) == "Child"
    assert evaluate(crm["alice"], "account.parent.name", record={"account": child}) is None


def test_a_list_filter_through_an_account_the_user_cannot_read_matches_nothing(crm):
    shared_deal_on_hidden_account(crm)
    probe = {"filter": 'account.name = "Hidden Acct"'}
    assert titles(crm["alice"].get(url(), query_string=probe)) == []
    assert titles(crm["alice"].get(url(), query_string={"filter": "ISBLANK(account.name)"})) == ["bob deal"]
    assert titles(crm["bob"].get(url(), query_string=probe)) == ["bob deal"]


def test_a_list_filter_sees_an_account_once_it_is_shared_with_the_user(crm):
    account, _ = shared_deal_on_hidden_account(crm)
    probe = {"filter": 'account.name = "Hidden Acct"'}
    assert titles(crm["alice"].get(url(), query_string=probe)) == []
    share(crm, "bob", "account", account, "alice")
    assert titles(crm["alice"].get(url(), query_string=probe)) == ["bob deal"]


def test_a_list_filter_applies_sharing_at_every_hop(crm):
    parent = new_account(crm, "bob", "Hidden Parent")
    child = new_account(crm, "bob", "Child", parent=parent)
    share(crm, "bob", "account", child, "alice")
    deal = crm.create("bob", title="bob deal", account=child)
    share(crm, "bob", "opportunity", deal, "alice")
    assert titles(crm["alice"].get(url(), query_string={"filter": 'account.name = "Child"'})) == ["bob deal"]
    assert titles(crm["alice"].get(url(), query_string={"filter": 'account.parent.name = "Hidden Parent"'})) == []
    assert titles(crm["bob"].get(url(), query_string={"filter": 'account.parent.name = "Hidden Parent"'})) == [
        "bob deal"]


def test_a_list_filter_over_a_lookup_to_the_same_object_applies_its_sharing(crm):
    parent = new_account(crm, "bob", "Hidden Parent")
    child = new_account(crm, "bob", "Child", parent=parent)
    share(crm, "bob", "account", child, "alice")
    new_account(crm, "alice", "Mine", parent=child)
    accounts = url(object_name="account")

    def names(client, formula):
        response = client.get(accounts, query_string={"filter": formula})
        assert response.status_code == 200, response.get_json()
        return sorted(item["name"] for item in response.get_json()["items"])

    assert names(crm["alice"], 'parent.name = "Child"') == ["Mine"]
    assert names(crm["alice"], 'parent.name = "Hidden Parent"') == []
    assert names(crm["alice"], 'parent.parent.name = "Hidden Parent"') == []
    assert names(crm["bob"], 'parent.name = "Hidden Parent"') == ["Child"]


# -- formulas defined in metadata --------------------------------------------------------

def test_a_formula_field_through_the_lookup_computes_in_system_context(crm):
    _, deal = shared_deal_on_hidden_account(crm)
    assert evaluate(crm["alice"], "account.name", record_id=deal) is None
    assert crm["alice"].get(url(deal)).get_json()["account_name"] == "Hidden Acct"
    assert evaluate(crm["alice"], "account_name", record_id=deal) == "Hidden Acct"
    listed = crm["alice"].get(url(), query_string={"filter": 'account_name = "Hidden Acct"'})
    assert titles(listed) == ["bob deal"]


# -- lookups the user sets ----------------------------------------------------------------

def test_creating_a_record_that_points_at_a_hidden_account_is_refused_as_if_it_did_not_exist(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    before = deal_count(crm)
    body = same_problem(crm["alice"].post(url(), json={"title": "probe", "account": hidden}),
                        crm["alice"].post(url(), json={"title": "probe", "account": MISSING}), hidden)
    assert list(body["errors"]) == ["account"]
    assert deal_count(crm) == before


def test_updating_a_lookup_to_a_hidden_account_is_refused_as_if_it_did_not_exist(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    own = new_account(crm, "alice", "Alice Acct")
    deal = crm.create("alice", title="alice deal", account=own)
    same_problem(crm["alice"].patch(url(deal), json={"account": hidden}),
                 crm["alice"].patch(url(deal), json={"account": MISSING}), hidden)
    assert crm["alice"].get(url(deal)).get_json()["account"] == own


def test_a_batch_that_points_at_a_hidden_account_is_refused_whole(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    own = new_account(crm, "alice", "Alice Acct")
    before = deal_count(crm)
    body = same_problem(crm["alice"].post(url(), json=[{"title": "ok", "account": own},
                                                      {"title": "probe", "account": hidden}]),
                        crm["alice"].post(url(), json=[{"title": "ok", "account": own},
                                                      {"title": "probe", "account": MISSING}]), hidden)
    assert list(body["errors"]) == ["[1].account"]
    assert deal_count(crm) == before


def test_a_lookup_may_point_at_an_account_shared_with_the_user(crm):
    account = new_account(crm, "bob", "Shared Acct")
    assert_problem(crm["alice"].post(url(), json={"title": "ok", "account": account}), 422, "validation_failed")
    share(crm, "bob", "account", account, "alice")
    assert crm["alice"].post(url(), json={"title": "ok", "account": account}).status_code == 201


def test_keeping_a_lookup_one_cannot_read_is_not_a_change(crm):
    account = new_account(crm, "dave", "Dave Acct")
    share(crm, "dave", "account", account, "alice")
    other = new_account(crm, "dave", "Other Dave Acct")
    deal = crm.create("alice", title="alice deal", account=account)
    assert_problem(crm["carol"].patch(url(deal), json={"account": other}), 422, "validation_failed")
    response = crm["carol"].patch(url(deal), json={"title": "renamed", "account": account})
    assert response.status_code == 200, response.get_json()


def test_a_master_detail_record_needs_a_master_the_user_may_edit(crm):
    account = new_account(crm, "bob", "Bob Acct")
    notes = url(object_name="account_note")
    share(crm, "bob", "account", account, "alice", access="read")
    same_problem(crm["alice"].post(notes, json={"body": "hi", "account": account}),
                 crm["alice"].post(notes, json={"body": "hi", "account": MISSING}), account)
    share(crm, "bob", "account", account, "alice", access="edit")
    made = crm["alice"].post(notes, json={"body": "hi", "account": account})
    assert made.status_code == 201, made.get_json()
    assert [(n["body"], n["account"]) for n in crm["bob"].get(notes).get_json()["items"]] == [("hi", account)]


def test_administrators_may_point_at_any_record(crm):
    hidden = new_account(crm, "bob", "Hidden Acct")
    assert_problem(crm["alice"].post(url(), json={"title": "probe", "account": hidden}), 422, "validation_failed")
    made = crm.admin.post(url(), json={"title": "admin deal", "account": hidden})
    assert made.status_code == 201 and made.get_json()["account"] == hidden
