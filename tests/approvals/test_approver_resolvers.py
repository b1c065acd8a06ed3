"""Approvers chosen by a plugin: ``{"resolver": {"name", "params"}}`` in a step, offered by
``tessera_register_approver_resolvers``, under the usual rules (active users, duplicates
once, nobody found refused)."""

import pytest

from tessera.platform import create_app, hookimpl
from tessera.platform.plugins import approver_resolvers_of, make_plugin_manager
from tests.approvals.conftest import step
from tests.platform.support import assert_problem


def finance_by_amount(org):
    """Over ``params["over"]``, fay and fred (and fay again, and a deactivated user); else flo."""
    def resolve(conn, request, params):
        if request.row["amount"] > params["over"]:
            return [org.ids["fay"], org.ids["fred"], org.ids["fay"], None, "nobody"]
        return [org.ids["flo"]]
    return resolve


def test_a_plugin_resolver_names_the_approvers_of_a_step_from_the_record(org):
    org.runtime.approver_resolvers["finance_by_amount"] = finance_by_amount(org)
    published = org.publish_flow(steps=[step("finance", {"resolver": {"name": "finance_by_amount",
                                                                      "params": {"over": 1000}}})])
    assert published.status_code == 200, published.get_json()
    big, small = org.quote(amount="5000"), org.quote(amount="10")
    assert org.pending(org.submitted(big)) == ["fay", "fred"]
    assert org.pending(org.submitted(small)) == ["flo"]


def test_a_resolver_no_plugin_offers_refuses_the_submit_and_changes_nothing(org):
    published = org.publish_flow(steps=[step("finance", {"resolver": {"name": "missing"}})])
    assert published.status_code == 200, published.get_json()
    quote = org.quote(amount="5000")
    problem = assert_problem(org.submit(quote), 422, "approval_flow_invalid")
    assert "missing" in problem["detail"]
    assert org.events() == [] and org.read_quote(quote)["stage"] is None


def test_a_resolver_finding_nobody_active_refuses_the_submit(org):
    org.runtime.approver_resolvers["nobody"] = lambda conn, request, params: []
    org.publish_flow(steps=[step("finance", {"resolver": {"name": "nobody"}})])
    assert_problem(org.submit(org.quote(amount="1")), 422, "approval_flow_invalid")


def test_resolver_parameters_must_be_an_object_and_the_name_an_identifier(org):
    doc = {"kind": "approval_flow", "name": "discount", "object": "quote",
           "steps": [step("finance", {"resolver": {"name": "Not A Name", "params": [1]}})]}
    problem = assert_problem(org.admin.put("/api/v1/metadata/approval_flow/discount", json=doc), 422)
    assert set(problem["errors"]) == {"steps[0].approvers[0].resolver.name", "steps[0].approvers[0].resolver.params"}


class Resolvers:
    @hookimpl
    def tessera_register_approver_resolvers(self):
        return {"always_admin": lambda conn, request, params: [1]}


def test_plugins_offer_resolvers_to_the_apps_runtime_and_a_name_offered_twice_is_refused(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "TESTING": True}, plugins=[Resolvers()])
    try:
        assert set(app.extensions["tessera"].approver_resolvers) == {"always_admin"}
    finally:
        app.extensions["tessera"].dispose()
    with pytest.raises(ValueError, match="always_admin"):
        approver_resolvers_of(make_plugin_manager([Resolvers(), Resolvers()]))
