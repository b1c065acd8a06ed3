"""Receiving: a payload creates its record (201) or updates the one with its external id (200),
through the records service (history and outbox events included); a replayed payload never
makes a second record, whoever sends it and however many arrive at once."""

import threading

from sqlalchemy import select

from tessera.runtime.schema.system_tables import outbox
from tests.integration.conftest import lead_payload


def outbox_types(runtime):
    with runtime.read() as conn:
        return conn.execute(select(outbox.c.event_type).where(outbox.c.object == "lead").order_by(outbox.c.id)).scalars().all()


def test_a_new_external_id_creates_the_record_and_answers_201(inbound):
    rep = inbound.client_for("rep")
    created = rep.post("/api/v1/inbound/web_leads", json=lead_payload())
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert {k: record[k] for k in ("external_ref", "company", "email", "version")} == \
        {"external_ref": "L-1", "company": "Acme", "email": "buyer@acme.example", "version": 1}
    assert record["owner"] == inbound.ids["rep"]
    assert created.headers["Location"].endswith(f"/api/v1/objects/lead/records/{record['id']}")
    assert outbox_types(inbound.runtime) == ["record.created"]


def test_the_same_external_id_updates_the_record_and_answers_200(inbound):
    rep = inbound.client_for("rep")
    first = rep.post("/api/v1/inbound/web_leads", json=lead_payload()).get_json()
    updated = rep.post("/api/v1/inbound/web_leads", json=lead_payload(company="Acme Group"))
    assert updated.status_code == 200, updated.get_json()
    assert (updated.get_json()["id"], updated.get_json()["company"], updated.get_json()["version"]) == \
        (first["id"], "Acme Group", 2)
    assert [lead["company"] for lead in inbound.leads()] == ["Acme Group"]
    assert outbox_types(inbound.runtime) == ["record.created", "record.updated"]


def test_a_replayed_payload_changes_nothing_and_never_duplicates(inbound):
    rep = inbound.client_for("rep")
    answers = [rep.post("/api/v1/inbound/web_leads", json=lead_payload()) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert [lead["version"] for lead in inbound.leads()] == [1]
    assert outbox_types(inbound.runtime) == ["record.created"]


def test_a_field_absent_from_the_payload_keeps_its_stored_value_on_update(inbound):
    rep = inbound.client_for("rep")
    rep.post("/api/v1/inbound/web_leads", json=lead_payload())
    updated = rep.post("/api/v1/inbound/web_leads", json={"id": "L-1", "company": {"name": "Acme 2"}})
    assert updated.status_code == 200
    assert updated.get_json()["email"] == "buyer@acme.example"


def test_identical_payloads_arriving_at_once_make_one_record(inbound):
    clients = [inbound.client_for("rep") for _ in range(8)]
    start, statuses = threading.Barrier(len(clients)), []

    def send(client):
        start.wait()
        statuses.append(client.post("/api/v1/inbound/web_leads", json=lead_payload("L-RACE")).status_code)

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 7 + [201]
    assert [lead["external_ref"] for lead in inbound.leads()] == ["L-RACE"]
    assert outbox_types(inbound.runtime) == ["record.created"]


def test_an_unknown_endpoint_is_404(inbound):
    answer = inbound.client_for("rep").post("/api/v1/inbound/nothing_here", json=lead_payload())
    assert (answer.status_code, answer.get_json()["code"]) == (404, "inbound_endpoint_not_found")
