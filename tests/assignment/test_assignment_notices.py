"""The new owner of an assigned record is told in the app: one notification per record, or
one per person for a batch; nobody is told of a record they gave themselves or of a record
entering a pool."""

from tests.assignment.conftest import pool, rule


def told(sales, username):
    return [(n["kind"], n["message"], n["link"]["record_id"])
            for n in sales.clients[username].get("/api/v1/notifications").get_json()["items"]]


def test_the_rep_a_rule_gives_a_new_lead_is_told_with_a_link_to_it(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    first, second = sales.create(), sales.create()
    assert told(sales, "in1") == [("assignment.assigned", f"lead {first['id']} was assigned to you", first["id"])]
    assert [kind for kind, _, _ in told(sales, "in2")] == ["assignment.assigned"]
    assert told(sales, "in3") == [] and second["owner"] == sales.ids["in2"]


def test_a_batch_tells_each_new_owner_once_with_the_count(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    made = sales.admin.post("/api/v1/objects/lead/records", json=[{"company": f"C{i}", "status": "Open"}
                                                                  for i in range(10)])
    assert made.status_code == 201, made.get_json()
    [(kind, text, _)] = told(sales, "in1")
    assert kind == "assignment.assigned" and text == "2 lead records were assigned to you"


def test_a_lead_entering_a_pool_tells_nobody(sales):
    sales.publish(pool(), rule("to_pool", {"pool": "east_pool"}))
    sales.create()
    assert told(sales, "east1") == [] and told(sales, "east2") == []
