"""Lead pools: a record assigned to a pool waits there, owned by the pool's own user and
visible to the pool's members, until a member claims it; claimed records nobody touches go
back after ``return_after_days``."""

from sqlalchemy import select

from tessera.runtime.schema.system_tables import audit_log, outbox, user
from tests.assignment.conftest import pool, rule

RECORDS = "/api/v1/objects/lead/records"


def pooled(sales, **pool_options):
    """Publish east_pool (with ``pool_options``) and a rule sending every lead to it."""
    sales.publish(pool(**pool_options), rule("to_pool", {"pool": "east_pool"}))


def claim(client, record_id=None, name="east_pool"):
    return client.post(f"/api/v1/pools/{name}/claim", json={} if record_id is None else {"record_id": record_id})


def waiting_ids(client, name="east_pool", **params):
    response = client.get(f"/api/v1/pools/{name}", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_a_pooled_record_is_owned_by_the_pools_own_inactive_user(sales):
    pooled(sales)
    record = sales.create()
    with sales.runtime.read() as conn:
        owner = conn.execute(select(user).where(user.c.id == record["owner"])).mappings().one()
    assert (owner["username"], owner["active"]) == ("pool:east_pool", False)


def test_members_see_and_list_the_pools_records_and_others_do_not(sales):
    pooled(sales)
    record = sales.create()
    assert sales["east1"].get(f"{RECORDS}/{record['id']}").status_code == 200
    assert waiting_ids(sales["east1"]) == [record["id"]]
    assert sales["in1"].get(f"{RECORDS}/{record['id']}").status_code == 404
    refused = sales["in1"].get("/api/v1/pools/east_pool")
    assert (refused.status_code, refused.get_json()["code"]) == (403, "not_pool_member")


def test_the_pool_list_is_paged_oldest_first(sales):
    pooled(sales)
    ids = [sales.create()["id"] for _ in range(3)]
    first = sales["east1"].get("/api/v1/pools/east_pool", query_string={"limit": 2}).get_json()
    rest = sales["east1"].get("/api/v1/pools/east_pool", query_string={"limit": 2, "cursor": first["next_cursor"]})
    assert [i["id"] for i in first["items"]] + [i["id"] for i in rest.get_json()["items"]] == ids
    assert rest.get_json()["next_cursor"] is None


def test_claiming_makes_the_caller_the_owner_with_an_updated_event_and_an_audit_entry(sales):
    pooled(sales)
    record = sales.create()
    claimed = claim(sales["east1"], record["id"])
    assert claimed.status_code == 200, claimed.get_json()
    assert claimed.get_json()["owner"] == sales.ids["east1"] == sales.owner(record["id"])
    assert waiting_ids(sales["east2"]) == []
    with sales.runtime.read() as conn:
        event = conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "record.updated",
                                                           outbox.c.record_id == record["id"])).scalar_one()
        audited = conn.execute(select(audit_log.c.actor_id).where(audit_log.c.event == "record.claimed")).scalar_one()
    assert event["changes"]["owner"] == {"old": record["owner"], "new": sales.ids["east1"]}
    assert audited == sales.ids["east1"]


def test_a_record_already_claimed_is_refused_with_409(sales):
    pooled(sales)
    record = sales.create()
    assert claim(sales["east1"], record["id"]).status_code == 200
    refused = claim(sales["east2"], record["id"])
    assert (refused.status_code, refused.get_json()["code"]) == (409, "already_claimed")
    assert sales.owner(record["id"]) == sales.ids["east1"]


def test_claiming_without_a_record_takes_the_oldest_waiting_one(sales):
    pooled(sales)
    first, second = sales.create()["id"], sales.create()["id"]
    assert claim(sales["east2"]).get_json()["id"] == first
    assert claim(sales["east2"]).get_json()["id"] == second
    empty = claim(sales["east2"])
    assert (empty.status_code, empty.get_json()["code"]) == (404, "pool_empty")


def test_the_claim_limit_counts_the_records_a_rep_still_holds(sales):
    pooled(sales, claim_limit=2)
    ids = [sales.create()["id"] for _ in range(3)]
    assert claim(sales["east1"], ids[0]).status_code == 200
    assert claim(sales["east1"], ids[1]).status_code == 200
    refused = claim(sales["east1"], ids[2])
    assert (refused.status_code, refused.get_json()["code"]) == (409, "claim_limit_reached")
    assert "2" in refused.get_json()["detail"]
    assert claim(sales["east2"], ids[2]).status_code == 200


def test_non_members_and_unknown_pools_and_bad_bodies_are_refused_and_change_nothing(sales):
    pooled(sales)
    record = sales.create()
    assert claim(sales["in1"], record["id"]).get_json()["code"] == "not_pool_member"
    assert claim(sales["east1"], record["id"], name="west_pool").status_code == 404
    bad = sales["east1"].post("/api/v1/pools/east_pool/claim", json={"record_id": "7", "extra": 1})
    assert (bad.status_code, sorted(bad.get_json()["errors"])) == (422, ["extra", "record_id"])
    assert claim(sales["east1"], 999999).get_json()["code"] == "not_in_pool"
    assert waiting_ids(sales["east1"]) == [record["id"]]


def test_a_claimed_record_left_untouched_returns_to_the_pool_after_n_days(sales):
    pooled(sales, return_after_days=7)
    record = sales.create()
    assert claim(sales["east1"], record["id"]).status_code == 200
    sales.clock.advance(days=6, hours=23)
    assert sales.runtime.timers.run_due() == 0
    sales.clock.advance(hours=2)
    assert sales.runtime.timers.run_due() == 1
    assert sales.owner(record["id"]) == record["owner"]
    assert waiting_ids(sales["east2"]) == [record["id"]]
    assert claim(sales["east2"], record["id"]).status_code == 200


def test_a_claimed_record_its_owner_works_on_stays_with_them(sales):
    pooled(sales, return_after_days=7)
    record = sales.create()
    assert claim(sales["east1"], record["id"]).status_code == 200
    sales.clock.advance(days=5)
    changed = sales["east1"].patch(f"{RECORDS}/{record['id']}", json={"status": "Closed"})
    assert changed.status_code == 200, changed.get_json()
    sales.clock.advance(days=3)
    sales.runtime.timers.run_due()
    assert sales.owner(record["id"]) == sales.ids["east1"]
    sales.clock.advance(days=7, minutes=1)
    sales.runtime.timers.run_due()
    assert sales.owner(record["id"]) == record["owner"]


def test_a_record_transferred_away_from_its_claimer_leaves_the_pool(sales):
    pooled(sales, return_after_days=7)
    record = sales.create()
    assert claim(sales["east1"], record["id"]).status_code == 200
    moved = sales.admin.post(f"{RECORDS}/{record['id']}/transfer", json={"owner": sales.ids["in1"]})
    assert moved.status_code == 200, moved.get_json()
    sales.clock.advance(days=8)
    sales.runtime.timers.run_due()
    assert sales.owner(record["id"]) == sales.ids["in1"]
    assert waiting_ids(sales["east1"]) == []


def test_bad_paging_and_bodies_answer_problem_documents(sales):
    pooled(sales)
    sales.create()
    for params in ({"limit": "0"}, {"limit": "x"}, {"cursor": "%%%"}, {"cursor": "W1tdXQ"}):
        answer = sales["east1"].get("/api/v1/pools/east_pool", query_string=params)
        assert answer.status_code == 400, (params, answer.get_json())
    for body in ([], "text", {"record_id": 1.5}, {"record_id": True}, {"record_id": 2**64}):
        answer = sales["east1"].post("/api/v1/pools/east_pool/claim", json=body)
        assert answer.status_code == 422, (body, answer.get_json())
    assert sales.admin.post(f"{RECORDS}/1/assign", json=[1]).status_code in (200, 404)
    assert sales.admin.post("/api/v1/objects/nothing/records/1/assign").status_code == 404


def test_a_pool_of_a_role_reaches_every_holder_and_unknown_pools_are_404(sales):
    sales.publish(pool(members=[{"role": "rep"}]), rule("to_pool", {"pool": "east_pool"}))
    record = sales.create()
    assert waiting_ids(sales["in5"]) == waiting_ids(sales["east1"]) == [record["id"]]
    assert sales["outsider"].get("/api/v1/pools/east_pool").status_code == 403
    missing = sales["in5"].get("/api/v1/pools/west_pool")
    assert (missing.status_code, missing.get_json()["code"]) == (404, "pool_not_found")
