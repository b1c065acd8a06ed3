"""A payload refused as invalid answers 422 (errors keyed by field) and is kept; an
administrator lists the kept payloads and replays one after fixing the mapping, which writes
its record once: a payload replayed already is refused, and replaying never duplicates."""

import threading

from tests.helpers import define
from tests.integration.conftest import WEB_LEADS, lead_payload

#: The sender writes the company under /organisation, where the mapping does not look.
MOVED = {"id": "L-9", "organisation": "Globex", "contact": {"email": "ops@globex.example"}}


def refuse(inbound, payload=MOVED):
    answer = inbound.client_for("rep").post("/api/v1/inbound/web_leads", json=payload)
    assert answer.status_code == 422, answer.get_json()
    return answer.get_json()


def fix_mapping(inbound):
    fixed = {**WEB_LEADS, "run_as": "webform", "mapping": {**WEB_LEADS["mapping"], "company": "/organisation"}}
    published = define(inbound.admin, fixed)
    assert published.status_code == 200, published.get_json()


def test_an_invalid_payload_answers_422_with_errors_by_field_and_is_kept(inbound):
    problem = refuse(inbound)
    assert (problem["code"], list(problem["errors"])) == ("validation_failed", ["company"])
    assert inbound.leads() == []
    [kept] = inbound.admin.get("/api/v1/inbound/web_leads/failed").get_json()["items"]
    assert (kept["id"], kept["payload"], kept["attempts"], kept["actor_id"]) == \
        (problem["failed_id"], MOVED, 1, inbound.ids["rep"])
    assert list(kept["errors"]) == ["company"]


def test_the_kept_errors_read_in_the_readers_locale(inbound):
    refuse(inbound)
    english = inbound.admin.get("/api/v1/inbound/web_leads/failed").get_json()["items"][0]["errors"]
    chinese = inbound.admin.get("/api/v1/inbound/web_leads/failed",
                                headers={"Accept-Language": "zh-CN"}).get_json()["items"][0]["errors"]
    assert english["company"] != chinese["company"]


def test_a_transform_refusing_a_value_is_a_422_kept_like_any_other(inbound):
    strict = {**WEB_LEADS, "name": "strict_leads", "mapping": {**WEB_LEADS["mapping"],
                                                               "score": {"path": "/score", "transform": "number"}}}
    assert define(inbound.admin, strict).status_code == 200
    answer = inbound.client_for("rep").post("/api/v1/inbound/strict_leads", json=lead_payload(score="lots"))
    assert (answer.status_code, list(answer.get_json()["errors"])) == (422, ["score"])
    assert len(inbound.admin.get("/api/v1/inbound/strict_leads/failed").get_json()["items"]) == 1


def test_replaying_after_the_mapping_is_fixed_writes_the_record_once(inbound):
    failed_id = refuse(inbound)["failed_id"]
    fix_mapping(inbound)
    replayed = inbound.admin.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay")
    assert replayed.status_code == 201, replayed.get_json()
    assert (replayed.get_json()["company"], replayed.get_json()["owner"]) == ("Globex", inbound.ids["rep"])
    assert inbound.admin.get("/api/v1/inbound/web_leads/failed").get_json()["items"] == []
    again = inbound.admin.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay")
    assert (again.status_code, again.get_json()["code"]) == (409, "inbound_replay_refused")
    assert [lead["external_ref"] for lead in inbound.leads()] == ["L-9"]


def test_replaying_a_payload_whose_record_arrived_meanwhile_updates_it(inbound):
    failed_id = refuse(inbound)["failed_id"]
    sent = inbound.client_for("rep").post("/api/v1/inbound/web_leads", json=lead_payload("L-9", company="Globex Ltd"))
    assert sent.status_code == 201
    fix_mapping(inbound)
    replayed = inbound.admin.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay")
    assert (replayed.status_code, replayed.get_json()["company"]) == (200, "Globex")
    assert len(inbound.leads()) == 1


def test_a_replay_still_invalid_answers_422_and_stays_kept(inbound):
    failed_id = refuse(inbound)["failed_id"]
    replayed = inbound.admin.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay")
    assert (replayed.status_code, replayed.get_json()["failed_id"]) == (422, failed_id)
    [kept] = inbound.admin.get("/api/v1/inbound/web_leads/failed").get_json()["items"]
    assert kept["attempts"] == 2
    assert inbound.leads() == []


def test_failed_payloads_are_listed_oldest_first_a_page_at_a_time(inbound):
    ids = [refuse(inbound, {**MOVED, "id": f"L-{n}"})["failed_id"] for n in range(3)]
    first = inbound.admin.get("/api/v1/inbound/web_leads/failed?limit=2").get_json()
    rest = inbound.admin.get(f"/api/v1/inbound/web_leads/failed?limit=2&cursor={first['next_cursor']}").get_json()
    assert [item["id"] for item in first["items"] + rest["items"]] == ids
    assert rest["next_cursor"] is None


def test_only_administrators_see_and_replay_failed_payloads(inbound):
    failed_id = refuse(inbound)["failed_id"]
    rep = inbound.client_for("rep")
    assert rep.get("/api/v1/inbound/web_leads/failed").status_code == 403
    assert rep.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay").status_code == 403
    assert inbound.admin.post("/api/v1/inbound/web_leads/failed/999999/replay").status_code == 404
    assert inbound.admin.get("/api/v1/inbound/nothing/failed").status_code == 404


def test_two_administrators_replaying_one_payload_at_once_write_it_once(inbound):
    failed_id = refuse(inbound)["failed_id"]
    fix_mapping(inbound)
    clients, statuses = [inbound.admin.client.application.test_client() for _ in range(2)], []
    start = threading.Barrier(2)
    headers = {"Authorization": f"Bearer {inbound.admin.token}"}

    def replay(client):
        start.wait()
        statuses.append(client.post(f"/api/v1/inbound/web_leads/failed/{failed_id}/replay", headers=headers).status_code)

    threads = [threading.Thread(target=replay, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert [lead["external_ref"] for lead in inbound.leads()] == ["L-9"]
