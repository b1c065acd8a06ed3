"""Record-level access: who sees and changes which opportunity under each sharing model."""

from tests.helpers import define, object_doc
from tests.identity.conftest import OPPORTUNITY, SALES_REP, titles, url
from tests.platform.support import assert_problem


def test_a_rep_sees_only_their_own_records_of_a_private_object(org):
    org.create("alice", title="alice deal")
    org.create("bob", title="bob deal")
    assert titles(org["alice"].get(url())) == ["alice deal"]
    assert titles(org["bob"].get(url())) == ["bob deal"]


def test_a_manager_sees_the_records_of_every_role_below_theirs(org):
    org.create("alice", title="alice deal")
    org.create("bob", title="bob deal")
    org.create("dave", title="dave deal", region="North")
    assert titles(org["carol"].get(url())) == ["alice deal", "bob deal"]
    assert titles(org["vera"].get(url())) == ["alice deal", "bob deal", "dave deal"]
    assert titles(org["wendy"].get(url())) == ["dave deal"]


def test_a_subordinate_does_not_see_their_managers_records(org):
    org.create("carol", title="carol deal")
    assert titles(org["alice"].get(url())) == []


def test_fetching_a_record_one_cannot_see_answers_404_as_if_it_did_not_exist(org):
    hidden = org.create("bob", title="secret")
    missing = assert_problem(org["alice"].get(url(hidden)), 404, "record_not_found")
    absent = assert_problem(org["alice"].get(url(999999)), 404, "record_not_found")
    assert missing["detail"].replace(str(hidden), "N") == absent["detail"].replace("999999", "N")
    assert_problem(org["alice"].patch(url(hidden), json={"title": "mine"}), 404, "record_not_found")
    assert_problem(org["alice"].delete(url(hidden)), 404, "record_not_found")
    assert_problem(org["alice"].get(url(hidden, suffix="/history")), 404, "record_not_found")
    assert org["bob"].get(url(hidden)).get_json()["title"] == "secret"


def as_admin(org, record):
    """The record as the administrator reads it (every field)."""
    response = org.admin.get(url(record))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def assert_edited(response, org, record, **values):
    """``response`` is the 200 of an edit that stored ``values``, and the record holds them."""
    assert response.status_code == 200, response.get_json()
    assert {k: response.get_json()[k] for k in values} == values
    assert {k: as_admin(org, record)[k] for k in values} == values


def assert_deleted(response, org, record):
    """``response`` is the empty 204 of a delete, and the record is gone for everyone."""
    assert response.status_code == 204 and response.get_data() == b""
    assert_problem(org.admin.get(url(record)), 404, "record_not_found")


def test_a_manager_may_edit_and_delete_a_subordinates_record(org):
    record = org.create("alice", title="alice deal")
    assert_edited(org["carol"].patch(url(record), json={"amount": "10.00"}), org, record, amount="10.00")
    assert as_admin(org, record)["updated_by"] == org.ids["carol"]
    assert as_admin(org, record)["owner"] == org.ids["alice"]
    assert_deleted(org["carol"].delete(url(record)), org, record)
    assert titles(org["alice"].get(url())) == []


def test_a_read_share_opens_a_record_for_reading_but_not_editing(org):
    record = org.create("bob", title="shared")
    shared = org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"], "access": "read"})
    assert shared.status_code == 201, shared.get_json()
    assert titles(org["alice"].get(url())) == ["shared"]
    read = org["alice"].get(url(record))
    assert read.status_code == 200 and read.get_json()["title"] == "shared"
    assert_problem(org["alice"].patch(url(record), json={"title": "taken"}), 403, "permission_denied")
    assert org["bob"].get(url(record)).get_json()["title"] == "shared"


def test_an_edit_share_lets_the_grantee_edit_but_not_delete_transfer_or_reshare(org):
    record = org.create("bob", title="shared")
    org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"], "access": "edit"})
    assert_edited(org["alice"].patch(url(record), json={"title": "edited"}), org, record, title="edited")
    assert_problem(org["alice"].delete(url(record)), 403, "permission_denied")
    assert_problem(org["alice"].post(url(record, suffix="/transfer"), json={"owner": org.ids["alice"]}), 403)
    assert_problem(org["alice"].post(url(record, suffix="/share"), json={"user": org.ids["dave"]}), 403)
    assert as_admin(org, record)["owner"] == org.ids["bob"]
    assert [s.get("user") for s in org["bob"].get(url(record, suffix="/share")).get_json()["items"]] == \
        [org.ids["alice"]]


def test_a_share_with_a_team_reaches_its_members_and_the_members_of_its_sub_teams(org):
    record = org.create("carol", title="for sales")
    shared = org["carol"].post(url(record, suffix="/share"), json={"team": "sales"})
    assert shared.status_code == 201, shared.get_json()
    assert (shared.get_json()["team"], shared.get_json()["access"]) == ("sales", "read")
    for person in ("alice", "bob", "dave", "wendy"):
        assert titles(org[person].get(url())) == ["for sales"], person


def test_a_share_with_a_team_does_not_reach_other_teams(org):
    record = org.create("alice", title="east only")
    org["alice"].post(url(record, suffix="/share"), json={"team": "east"})
    assert titles(org["bob"].get(url())) == ["east only"]
    assert titles(org["dave"].get(url())) == []


def test_a_share_with_a_role_reaches_its_holders_and_the_roles_above_it(org):
    record = org.create("alice", title="for west reps")
    org["alice"].post(url(record, suffix="/share"), json={"role": "west_rep"})
    assert titles(org["dave"].get(url())) == ["for west reps"]
    assert titles(org["wendy"].get(url())) == ["for west reps"]
    assert titles(org["bob"].get(url())) == []


def test_shares_can_be_listed_and_removed(org):
    record = org.create("bob", title="shared")
    org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"], "access": "read"})
    org["bob"].post(url(record, suffix="/share"), json={"team": "west", "access": "edit"})
    listed = org["bob"].get(url(record, suffix="/share")).get_json()["items"]
    assert [(s.get("user"), s.get("team"), s["access"]) for s in listed] == [
        (org.ids["alice"], None, "read"), (None, "west", "edit")]
    removed = org["bob"].delete(url(record, suffix=f"/share?user={org.ids['alice']}"))
    assert removed.status_code == 204 and removed.get_data() == b""
    assert [s.get("team") for s in org["bob"].get(url(record, suffix="/share")).get_json()["items"]] == ["west"]
    assert_problem(org["alice"].get(url(record)), 404)
    assert_problem(org["bob"].delete(url(record, suffix=f"/share?user={org.ids['alice']}")), 404)


def test_sharing_again_with_the_same_grantee_changes_the_access(org):
    record = org.create("bob", title="shared")
    org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"], "access": "read"})
    org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"], "access": "edit"})
    (share,) = org["bob"].get(url(record, suffix="/share")).get_json()["items"]
    assert (share["user"], share["access"]) == (org.ids["alice"], "edit")
    assert_edited(org["alice"].patch(url(record), json={"title": "edited"}), org, record, title="edited")


def test_a_bad_share_request_is_refused_and_changes_nothing(org):
    record = org.create("bob", title="shared")
    for body in ({}, {"user": org.ids["alice"], "team": "east"}, {"user": 99999}, {"team": "nope"},
                 {"user": org.ids["alice"], "access": "own"}, {"role": "x'; DROP TABLE tessera_role;--"}):
        assert_problem(org["bob"].post(url(record, suffix="/share"), json=body), 422, "validation_failed")
    assert org["bob"].get(url(record, suffix="/share")).get_json()["items"] == []


def test_a_sharing_rule_opens_matching_records_to_its_role_and_the_roles_above(org):
    org.create("dave", title="west deal", region="West")
    org.create("dave", title="north deal", region="North")
    assert titles(org["carol"].get(url())) == ["west deal"]
    assert titles(org["alice"].get(url())) == []
    assert titles(org["vera"].get(url())) == ["north deal", "west deal"]


def test_a_sharing_rule_for_reading_does_not_allow_editing(org):
    record = org.create("dave", title="west deal", region="West")
    assert_problem(org["carol"].patch(url(record), json={"title": "mine"}), 403, "permission_denied")


def test_a_record_leaves_a_rules_reach_when_it_stops_matching(org):
    record = org.create("dave", title="west deal", region="West")
    org["dave"].patch(url(record), json={"region": "North"})
    assert titles(org["carol"].get(url())) == []


def test_an_edit_sharing_rule_lets_its_team_edit_matching_records(org):
    rule = {"kind": "sharing_rule", "name": "north_for_east", "object": "opportunity",
            "criteria": 'region = "North"', "access": "edit", "share_with": {"team": "east"}}
    assert define(org.admin, rule).status_code == 200
    record = org.create("dave", title="north deal", region="North")
    elsewhere = org.create("dave", title="west deal", region="West")
    assert_edited(org["alice"].patch(url(record), json={"title": "helped"}), org, record, title="helped")
    assert as_admin(org, record)["updated_by"] == org.ids["alice"]
    assert_problem(org["alice"].patch(url(elsewhere), json={"title": "helped"}), 404, "record_not_found")
    assert_problem(org["alice"].delete(url(record)), 403, "permission_denied")
    assert titles(org["alice"].get(url())) == ["helped"]


def test_public_read_lets_everyone_read_but_only_owners_edit(org):
    define(org.admin, {**OPPORTUNITY, "sharing": "public_read"})
    record = org.create("bob", title="open")
    assert titles(org["dave"].get(url())) == ["open"]
    assert_problem(org["dave"].patch(url(record), json={"title": "mine"}), 403, "permission_denied")


def test_public_read_write_lets_everyone_edit_but_not_delete(org):
    define(org.admin, {**OPPORTUNITY, "sharing": "public_read_write"})
    record = org.create("bob", title="open")
    assert_edited(org["dave"].patch(url(record), json={"title": "edited"}), org, record, title="edited")
    assert_problem(org["dave"].delete(url(record)), 403, "permission_denied")
    assert as_admin(org, record)["title"] == "edited"


def test_view_all_and_modify_all_bypass_sharing_for_their_object(org):
    auditor = {"kind": "permission_set", "name": "auditor",
               "objects": {"opportunity": {"view_all": True}}}
    fixer = {"kind": "permission_set", "name": "fixer", "objects": {"opportunity": {"modify_all": True}}}
    define(org.admin, auditor, fixer)
    record = org.create("bob", title="bob deal")
    org.admin.patch(f"/api/v1/users/{org.ids['dave']}", json={"permission_sets": ["sales_rep", "auditor"]})
    assert titles(org["dave"].get(url())) == ["bob deal"]
    assert_problem(org["dave"].patch(url(record), json={"title": "x"}), 403, "permission_denied")
    org.admin.patch(f"/api/v1/users/{org.ids['dave']}", json={"permission_sets": ["sales_rep", "fixer"]})
    assert_edited(org["dave"].patch(url(record), json={"title": "fixed"}), org, record, title="fixed")
    assert_deleted(org["dave"].delete(url(record)), org, record)


def test_an_administrator_sees_every_record(org):
    org.create("alice", title="a")
    org.create("dave", title="d")
    assert titles(org.admin.get(url())) == ["a", "d"]


def test_deleting_a_record_drops_its_shares(org):
    record = org.create("bob", title="gone")
    org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["alice"]})
    assert_deleted(org["bob"].delete(url(record)), org, record)
    from sqlalchemy import func, select

    from tessera.runtime.schema.system_tables import record_share

    with org.runtime.read() as conn:
        assert conn.execute(select(func.count()).select_from(record_share)).scalar_one() == 0


def test_a_new_role_assignment_changes_what_a_user_sees_at_once(org):
    org.create("alice", title="alice deal")
    assert titles(org["dave"].get(url())) == []
    org.admin.patch(f"/api/v1/users/{org.ids['dave']}", json={"roles": ["east_manager"]})
    assert titles(org["dave"].get(url())) == ["alice deal"]


def test_a_private_object_without_a_sharing_setting_is_private(org):
    define(org.admin, object_doc("note", {"name": "body", "type": "text"}))
    org.admin.put("/api/v1/metadata/permission_set/notes", json={
        "kind": "permission_set", "name": "notes", "objects": {"note": {"create": True, "read": True}}})
    org.admin.post("/api/v1/metadata/publish", json={})
    for person in ("alice", "bob"):
        org.admin.patch(f"/api/v1/users/{org.ids[person]}", json={"permission_sets": ["sales_rep", "notes"]})
    alice, bob = org.client_for("alice"), org.client_for("bob")
    created = alice.post(url(object_name="note"), json={"body": "mine"})
    assert created.status_code == 201, created.get_json()
    assert [n["body"] for n in alice.get(url(object_name="note")).get_json()["items"]] == ["mine"]
    assert bob.get(url(object_name="note")).get_json()["items"] == []
    assert_problem(bob.get(url(created.get_json()["id"], "note")), 404, "record_not_found")


def test_filter_values_with_sql_metacharacters_never_widen_what_a_rep_sees(org):
    org.create("alice", title="mine")
    org.create("bob", title="x' OR '1'='1")
    for value in ("x' OR '1'='1", "' OR 1=1 --", "mine'; DELETE FROM obj_opportunity; --"):
        assert titles(org["alice"].get(url(), query_string={"title": value})) == []
    assert titles(org["alice"].get(url(), query_string={"filter": "title = \"x' OR '1'='1\""})) == []
    assert titles(org["bob"].get(url(), query_string={"title": "x' OR '1'='1"})) == ["x' OR '1'='1"]
    assert titles(org.admin.get(url())) == ["mine", "x' OR '1'='1"]


def test_detail_records_follow_the_access_to_their_master(org):
    visit = object_doc("visit", {"name": "title", "type": "text"},
                       {"name": "opportunity", "type": "master_detail", "target": "opportunity"}, sharing="private")
    rights = {**SALES_REP, "objects": {**SALES_REP["objects"], "visit": {"read": True, "edit": True}}}
    assert define(org.admin, visit, rights).status_code == 200
    deal = org.create("alice", title="alice deal")
    created = org.admin.post(url(object_name="visit"), json={"title": "site visit", "opportunity": deal})
    assert created.status_code == 201, created.get_json()
    assert titles(org["alice"].get(url(object_name="visit"))) == ["site visit"]
    assert titles(org["bob"].get(url(object_name="visit"))) == []
    assert_problem(org["bob"].get(url(created.get_json()["id"], "visit")), 404, "record_not_found")


# -- what sharing tells about the directory (docs/security.md, "Known limits") ---------------

def _without_instance(body):
    return {k: v for k, v in body.items() if k != "instance"}


def test_sharing_with_a_missing_or_a_deactivated_user_answers_the_same_422(org):
    record = org.create("bob", title="shared")
    org.admin.delete(f"/api/v1/users/{org.ids['dave']}")
    bodies = [_without_instance(assert_problem(
        org["bob"].post(url(record, suffix="/share"), json={"user": user}), 422, "validation_failed"))
        for user in (org.ids["dave"], 999999, 2 ** 63)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["errors"] == {"user": ["no active user with that id or name"]}
    assert org["bob"].get(url(record, suffix="/share")).get_json()["items"] == []


def test_removing_a_share_answers_the_same_404_whether_the_user_exists_or_not(org):
    record = org.create("bob", title="shared")
    org.admin.delete(f"/api/v1/users/{org.ids['dave']}")
    bodies = [_without_instance(assert_problem(
        org["bob"].delete(url(record, suffix=f"/share?user={user}")), 404, "not_found"))
        for user in (org.ids["alice"], org.ids["dave"], 999999)]
    assert bodies[0] == bodies[1] == bodies[2]


def test_a_share_that_succeeds_names_only_the_user_id_and_is_audited(org):
    record = org.create("bob", title="shared")
    shared = org["bob"].post(url(record, suffix="/share"), json={"user": org.ids["dave"]}).get_json()
    assert set(shared) == {"id", "user", "access", "created_by", "created_at"}
    assert_problem(org["bob"].get(f"/api/v1/users/{org.ids['dave']}"), 403)
    entries = org.admin.get("/api/v1/audit", query_string={"event": "record.shared"}).get_json()["items"]
    assert [(e["actor_id"], e["subject"]) for e in entries] == [(org.ids["bob"], f"user {org.ids['dave']}")]
