"""Assignment rules: per object, the first matching rule (by order) that finds someone makes
them the owner of a new record, before the insert, so the created event already names them."""

from sqlalchemy import select

from tessera.platform import create_app, hookimpl
from tessera.runtime.automation.members import active_members
from tessera.runtime.schema.system_tables import audit_log, outbox
from tests.assignment.conftest import EAST, INSIDE, admin_ctx, rule


def created_event(runtime, record_id):
    with runtime.read() as conn:
        return conn.execute(select(outbox.c.payload).where(outbox.c.event_type == "record.created",
                                                           outbox.c.record_id == record_id)).scalar_one()


def test_round_robin_over_a_team_gives_each_member_a_turn_in_id_order(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}, criteria="TRUE"))
    owners = [sales.name_of(sales.create()["owner"]) for _ in range(7)]
    assert owners == INSIDE + INSIDE[:2]


def test_the_created_event_already_names_the_assigned_owner(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    record = sales.create()
    assert created_event(sales.runtime, record["id"])["owner"] == record["owner"] == sales.ids["in1"]


def test_round_robin_over_a_role_takes_every_holder(sales):
    sales.publish(rule("reps", {"round_robin": {"role": "rep"}}))
    owners = [sales.name_of(sales.create()["owner"]) for _ in range(8)]
    assert owners == INSIDE + EAST + ["in1"]


def test_the_turn_survives_a_restart_of_the_app(sales, database_url):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    sales.create(), sales.create()
    again = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        with again.app_context():
            record = again.extensions["tessera"].records.create(admin_ctx(sales), "lead", {"company": "Later"})
        assert sales.name_of(record["owner"]) == "in3"
    finally:
        again.extensions["tessera"].dispose()


def test_the_first_matching_rule_by_order_wins(sales):
    sales.publish(rule("everyone", {"round_robin": {"team": "inside"}}, order=2),
                  rule("east_first", {"user": sales.ids["east2"]}, order=1, criteria='region = "East"'))
    east = sales.create(region="East")
    west = sales.create(region="West")
    assert (sales.name_of(east["owner"]), sales.name_of(west["owner"])) == ("east2", "in1")


def test_a_rule_that_finds_nobody_lets_the_next_matching_rule_assign(sales):
    sales.publish(rule("empty_team", {"round_robin": {"team": "nobody_here"}}, order=1),
                  rule("fallback", {"user": sales.ids["east1"]}, order=2))
    assert sales.name_of(sales.create()["owner"]) == "east1"


def test_without_a_matching_rule_the_creator_keeps_the_record(sales):
    sales.publish(rule("east_only", {"user": sales.ids["east1"]}, criteria='region = "East"'))
    assert sales.create("in2", region="West")["owner"] == sales.ids["in2"]


def test_an_inactive_rule_is_not_applied(sales):
    sales.publish(rule("off", {"user": sales.ids["east1"]}, active=False))
    assert sales.create("in2")["owner"] == sales.ids["in2"]


def test_least_loaded_counts_open_records_in_one_query_and_breaks_ties_by_id(sales):
    sales.create("in1"), sales.create("in1"), sales.create("in2")
    sales.create("in3", status="Closed"), sales.create("in3", status="Closed")
    sales.publish(rule("fewest", {"least_loaded": {"team": "inside", "open": 'status = "Open"'}}))
    owners = [sales.name_of(sales.create()["owner"]) for _ in range(4)]
    assert owners == ["in3", "in4", "in5", "in2"]


def test_a_batch_of_creates_spreads_over_the_least_loaded(sales):
    sales.publish(rule("fewest", {"least_loaded": {"team": "east"}}))
    response = sales.admin.post("/api/v1/objects/lead/records", json=[{"company": f"c{i}"} for i in range(4)])
    assert response.status_code == 201, response.get_json()
    owners = sorted(sales.name_of(sales.owner(i)) for i in response.get_json()["ids"])
    assert owners == ["east1", "east1", "east2", "east2"]


def test_a_creation_by_assignment_leaves_an_audit_entry_naming_the_rule(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    record = sales.create()
    with sales.runtime.read() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.event == "record.assigned",
                                                     audit_log.c.record_id == record["id"])).mappings().one()
    assert entry["details"]["rule"] == "inside_rr" and entry["details"]["to"] == sales.ids["in1"]


def test_publishing_refuses_a_rule_with_a_bad_criteria_or_an_unknown_pool(sales):
    for doc in (rule("bad", {"user": 1}, criteria="nope = 1"), rule("nopool", {"pool": "missing"})):
        assert sales.admin.put(f"/api/v1/metadata/assignment_rule/{doc['name']}", json=doc).status_code == 200
        refused = sales.admin.post("/api/v1/metadata/publish", json={})
        assert refused.status_code == 422, refused.get_json()
        assert sales.admin.delete(f"/api/v1/metadata/assignment_rule/{doc['name']}").status_code in (200, 204)


def test_a_rule_must_name_exactly_one_strategy(sales):
    doc = rule("two", {"user": 1, "pool": "east_pool"})
    response = sales.admin.put("/api/v1/metadata/assignment_rule/two", json=doc)
    assert response.status_code == 422, response.get_json()


class TerritoryPlugin:
    """A strategy from a plugin: leads of a region go to the first rep of the team named after it."""

    @hookimpl
    def tessera_register_assignment_strategies(self):
        def by_territory(call):
            team = {"East": "east"}.get(call.record.get("region"), call.params["default_team"])
            members = active_members(call.conn, team_name=team)
            return members[0] if members else None
        return {"territory": by_territory}


def test_a_plugin_strategy_assigns_like_a_built_in_one(sales, database_url):
    plugged = create_app({"DATABASE_URL": database_url, "TESTING": True}, plugins=[TerritoryPlugin()])
    try:
        sales.publish(rule("by_territory", {"territory": {"default_team": "inside"}}))
        runtime = plugged.extensions["tessera"]
        east = runtime.records.create(admin_ctx(sales), "lead", {"company": "E", "region": "East"})
        west = runtime.records.create(admin_ctx(sales), "lead", {"company": "W", "region": "West"})
        assert (sales.name_of(east["owner"]), sales.name_of(west["owner"])) == ("east1", "in1")
    finally:
        plugged.extensions["tessera"].dispose()


def test_an_unknown_strategy_refuses_the_create_with_a_problem(sales):
    sales.publish(rule("mystery", {"not_installed": {}}))
    response = sales.admin.post("/api/v1/objects/lead/records", json={"company": "X"})
    assert (response.status_code, response.get_json()["code"]) == (422, "assignment_failed")
    assert sales.admin.get("/api/v1/objects/lead/records").get_json()["items"] == []


def test_a_runtime_caller_naming_the_owner_skips_the_rules(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    record = sales.runtime.records.create(admin_ctx(sales), "lead", {"company": "Mine"}, owner_id=sales.ids["east2"])
    assert record["owner"] == sales.ids["east2"]
    assert sales.name_of(sales.create()["owner"]) == "in1"


def test_an_owner_in_a_create_body_is_still_refused(sales):
    sales.publish(rule("inside_rr", {"round_robin": {"team": "inside"}}))
    refused = sales.admin.post("/api/v1/objects/lead/records", json={"company": "X", "owner": sales.ids["in3"]})
    assert refused.status_code == 403, refused.get_json()
