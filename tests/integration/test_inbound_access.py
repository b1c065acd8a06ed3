"""Who may send: a token's user, within its scope, or a request signed with the endpoint's
secret (acting as its run_as user); a bad, stale or missing signature is a 401 problem.
Either way permissions and field security apply, and a refused request changes nothing."""

from datetime import timedelta

import pytest

from tests.helpers import define
from tests.integration.conftest import SECRET, START, WEB_LEADS, lead_payload


def nothing_changed(inbound):
    assert inbound.leads() == []
    assert inbound.admin.get("/api/v1/inbound/web_leads/failed").get_json()["items"] == []


def test_a_signed_request_writes_as_the_run_as_user(inbound):
    answer = inbound.signed(lead_payload())
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["owner"] == inbound.ids["webform"]
    assert inbound.signed(lead_payload(company="Acme 2")).status_code == 200


def test_a_signature_within_the_tolerance_window_is_accepted(inbound):
    assert inbound.signed(lead_payload(), at=START - timedelta(seconds=290)).status_code == 201


@pytest.mark.parametrize("how", ["wrong secret", "old", "future", "malformed", "other body"])
def test_a_bad_or_stale_signature_is_refused_with_401_and_changes_nothing(inbound, how):
    if how == "wrong secret":
        answer = inbound.signed(lead_payload(), secret="not-the-secret-at-all")
    elif how == "old":
        answer = inbound.signed(lead_payload(), at=START - timedelta(seconds=301))
    elif how == "future":
        answer = inbound.signed(lead_payload(), at=START + timedelta(minutes=10))
    elif how == "malformed":
        answer = inbound.signed(lead_payload(), header="v1=abc")
    else:
        stamp = int(START.timestamp())
        answer = inbound.signed(lead_payload(), header=f"t={stamp},v1={'0' * 64}")
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json" and answer.get_json()["code"] == "unauthenticated"
    nothing_changed(inbound)


def test_no_credential_at_all_is_401(inbound):
    answer = inbound.app.test_client().post("/api/v1/inbound/web_leads", json=lead_payload())
    assert answer.status_code == 401
    nothing_changed(inbound)


def test_an_endpoint_without_a_secret_refuses_signed_requests(inbound):
    plain = {**WEB_LEADS, "name": "token_only"}
    assert define(inbound.admin, plain).status_code == 200
    assert inbound.signed(lead_payload(), name="token_only").status_code == 401
    assert inbound.client_for("rep").post("/api/v1/inbound/token_only", json=lead_payload()).status_code == 201


def test_a_token_scoped_to_another_object_is_refused(inbound):
    scoped = inbound.client_for("rep", objects=["account"])
    answer = scoped.post("/api/v1/inbound/web_leads", json=lead_payload())
    assert (answer.status_code, answer.get_json()["code"]) == (403, "token_scope_exceeded")
    nothing_changed(inbound)
    assert inbound.client_for("rep", objects=["lead"]).post("/api/v1/inbound/web_leads",
                                                           json=lead_payload()).status_code == 201


def test_a_read_only_token_is_refused(inbound):
    answer = inbound.client_for("rep", scope="read").post("/api/v1/inbound/web_leads", json=lead_payload())
    assert answer.status_code == 403
    nothing_changed(inbound)


def test_field_security_applies_to_mapped_fields(inbound):
    with_notes = {**WEB_LEADS, "name": "noted_leads", "mapping": {**WEB_LEADS["mapping"], "notes": "/notes"}}
    assert define(inbound.admin, with_notes).status_code == 200
    answer = inbound.client_for("rep").post("/api/v1/inbound/noted_leads", json=lead_payload(notes="VIP"))
    assert (answer.status_code, answer.get_json()["code"]) == (403, "field_access_denied")
    assert inbound.leads() == []
    assert inbound.admin.post("/api/v1/inbound/noted_leads", json=lead_payload(notes="VIP")).status_code == 201


def test_a_user_without_rights_on_the_object_is_refused(inbound):
    with inbound.runtime.write() as conn:
        from tessera.runtime.identity.users import create_token, create_user
        nobody = create_token(conn, create_user(conn, "nobody"), "test")
    answer = inbound.app.test_client().post("/api/v1/inbound/web_leads", json=lead_payload(),
                                            headers={"Authorization": f"Bearer {nobody}"})
    assert answer.status_code == 403
    nothing_changed(inbound)


def test_a_record_the_sender_may_not_see_is_not_overwritten(inbound):
    assert inbound.client_for("rep").post("/api/v1/inbound/web_leads", json=lead_payload()).status_code == 201
    answer = inbound.signed(lead_payload(company="Hijacked"))  # webform may not see rep's private lead
    assert (answer.status_code, answer.get_json()["code"]) == (409, "inbound_record_hidden")
    assert [lead["company"] for lead in inbound.leads()] == ["Acme"]


def test_the_secret_shape_is_documented_as_in_the_webhook_signature(inbound):
    assert SECRET not in inbound.admin.get("/api/v1/metadata/inbound_endpoint/web_leads").get_data(as_text=True)
