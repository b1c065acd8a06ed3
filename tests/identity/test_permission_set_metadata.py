"""Permission sets and sharing rules are metadata: drafted, checked and published like objects."""

from tests.helpers import define, object_doc
from tests.platform.support import assert_problem


def test_a_permission_set_naming_a_missing_object_or_field_is_not_published(api):
    define(api, object_doc("deal", {"name": "title", "type": "text"}))
    bad = {"kind": "permission_set", "name": "broken",
           "objects": {"deal": {"read": True, "fields": {"ghost": {"read": True}}}, "nothing": {"read": True}}}
    body = assert_problem(define(api, bad), 422, "publish_refused")
    assert set(body["errors"]) == {"permission_set/broken:objects.deal.fields.ghost",
                                   "permission_set/broken:objects.nothing"}
    assert_problem(api.get("/api/v1/metadata/permission_set/broken?state=published"), 404)


def test_a_permission_set_is_checked_against_its_schema_when_saved(api):
    for doc in ({"objects": {"deal": {"read": "yes"}}}, {"objects": {"deal": {"fly": True}}},
                {"objects": {"deal": {"fields": {"title": {"edit": True, "read": False}}}}}):
        body = {"kind": "permission_set", "name": "p", **doc}
        assert_problem(api.put("/api/v1/metadata/permission_set/p", json=body), 422, "invalid_document")


def test_a_permission_set_is_versioned(api):
    define(api, object_doc("deal", {"name": "title", "type": "text"}))
    doc = {"kind": "permission_set", "name": "p", "objects": {"deal": {"read": True}}}
    define(api, doc)
    define(api, {**doc, "objects": {"deal": {"read": True, "edit": True}}})
    found = api.get("/api/v1/metadata/permission_set/p?state=published").get_json()
    assert found["version"] == 2 and found["body"]["objects"]["deal"]["edit"] is True


def test_a_sharing_rule_must_name_an_object_and_a_boolean_criterion_over_it(api):
    define(api, object_doc("deal", {"name": "region", "type": "text"}))
    rule = {"kind": "sharing_rule", "name": "r", "object": "deal", "access": "read", "share_with": {"role": "x"}}
    assert_problem(define(api, {**rule, "criteria": "region + 1"}), 422, "publish_refused")
    assert_problem(define(api, {**rule, "criteria": "nowhere = 1"}), 422, "publish_refused")
    api.delete("/api/v1/metadata/sharing_rule/r")
    assert_problem(define(api, {**rule, "object": "nothing", "criteria": "TRUE"}), 422, "publish_refused")
    api.delete("/api/v1/metadata/sharing_rule/r")
    assert define(api, {**rule, "criteria": 'region = "East"'}).status_code == 200


def test_a_sharing_rule_shares_with_exactly_one_role_or_team(api):
    rule = {"kind": "sharing_rule", "name": "r", "object": "deal", "criteria": "TRUE", "access": "read"}
    for target in ({}, {"role": "a", "team": "b"}, {"user": "a"}, {"role": "Bad Name"}):
        assert_problem(api.put("/api/v1/metadata/sharing_rule/r", json={**rule, "share_with": target}), 422)
