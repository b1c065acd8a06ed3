"""The metadata API: drafts, versions, publishing, cross-checks, the plan and revisions."""

from tests.helpers import define, object_doc
from tests.platform.support import (
    assert_problem, check_each, create, current_revision, outbox_events, published_pointers, table_names,
)

TITLE = {"name": "title", "type": "text", "max_length": 100}
ACCOUNT = object_doc("account", {"name": "name", "type": "text", "required": True})


def put(api, doc):
    return api.put(f"/api/v1/metadata/{doc['kind']}/{doc['name']}", json=doc)


# -- saving drafts -------------------------------------------------------------------------

def test_saving_a_draft_answers_its_version_and_body(api):
    response = put(api, object_doc("deal", TITLE))
    assert response.status_code == 200
    body = response.get_json()
    assert body["kind"] == "object" and body["name"] == "deal"
    assert body["version"] == 1 and body["published_version"] is None
    assert body["body"]["fields"] == [TITLE]


def test_versions_increase_with_every_save(api):
    versions = [put(api, object_doc("deal", TITLE, label={"en": f"Deal {i}"})).get_json()["version"]
                for i in range(3)]
    assert versions == [1, 2, 3]
    assert api.get("/api/v1/metadata/object/deal").get_json()["body"]["label"] == {"en": "Deal 2"}


def test_a_field_with_a_reserved_system_or_malformed_name_is_refused(api):
    def check(field_name):
        response = put(api, object_doc("deal", TITLE, {"name": field_name, "type": "text"}))
        body = assert_problem(response, 422, "invalid_document")
        assert list(body["errors"]) == ["fields[1].name"]
        assert_problem(api.get("/api/v1/metadata/object/deal"), 404)

    check_each(["id", "select", "DROP TABLE x", "version", "Owner", "x" * 64], check)


def test_an_object_with_a_reserved_or_malformed_name_is_refused(api):
    def check(object_name):
        response = api.put(f"/api/v1/metadata/object/{object_name}", json=object_doc(object_name, TITLE))
        body = assert_problem(response, 422, "invalid_document")
        assert "name" in body["errors"]

    check_each(["select", "DROP TABLE x", "Deal", "x" * 64, "1deal", "user"], check)


def test_the_longest_allowed_names_make_working_tables_and_columns(api):
    object_name, field_name = "o" * 63, "f" * 63
    response = define(api, object_doc(object_name, {"name": field_name, "type": "text"}))
    assert response.status_code == 200, response.get_json()
    created = create(api, object_name, {field_name: "fits"})
    assert api.get(f"/api/v1/objects/{object_name}/records/{created['id']}").get_json()[field_name] == "fits"


def test_two_long_object_names_that_differ_only_at_the_end_are_two_tables(api):
    first, second = "a" * 62 + "1", "a" * 62 + "2"
    response = define(api, object_doc(first, TITLE), object_doc(second, TITLE))
    assert response.status_code == 200, response.get_json()
    create(api, first, {"title": "in the first"})
    assert api.get(f"/api/v1/objects/{second}/records").get_json()["items"] == []


def test_type_errors_duplicates_and_foreign_properties_are_refused_with_the_field_path(api):
    def check(case):
        field, path = case
        body = assert_problem(put(api, object_doc("deal", TITLE, field)), 422, "invalid_document")
        assert list(body["errors"]) == [path]

    check_each([
        ({"name": "pic", "type": "image"}, "fields[1].type"),
        ({"name": "title", "type": "long_text"}, "fields[1].name"),
        ({"name": "flag", "type": "boolean", "max_length": 5}, "fields[1].max_length"),
        ({"name": "stage", "type": "picklist"}, "fields[1].options"),
        ({"name": "qty", "type": "number", "precision": 4, "scale": 6}, "fields[1].scale"),
    ], check)
    assert_problem(api.get("/api/v1/metadata/object/deal"), 404, "document_not_found")


def test_an_invalid_draft_leaves_the_previous_draft_in_place(api):
    put(api, object_doc("deal", TITLE))
    assert_problem(put(api, object_doc("deal", TITLE, {"name": "select", "type": "text"})), 422)
    found = api.get("/api/v1/metadata/object/deal").get_json()
    assert found["version"] == 1 and found["body"]["fields"] == [TITLE]


def test_a_body_whose_name_or_kind_differs_from_its_address_is_refused(api):
    """A client that PUTs "account" at .../object/deal made a mistake; saving it as "deal" hides it."""
    body = assert_problem(api.put("/api/v1/metadata/object/deal", json=object_doc("account", TITLE)), 422,
                          "invalid_document")
    assert "name" in body["errors"]
    assert_problem(api.get("/api/v1/metadata/object/deal"), 404)
    assert_problem(api.get("/api/v1/metadata/object/account"), 404)
    wrong_kind = {**object_doc("deal", TITLE), "kind": "approval_flow"}
    body = assert_problem(api.put("/api/v1/metadata/object/deal", json=wrong_kind), 422, "invalid_document")
    assert "kind" in body["errors"]
    assert_problem(api.get("/api/v1/metadata/object/deal"), 404)


def test_unknown_kinds_and_missing_documents_answer_404(api):
    assert_problem(api.get("/api/v1/metadata/spaceship"), 404, "unknown_kind")
    assert_problem(api.put("/api/v1/metadata/spaceship/x", json={"name": "x"}), 404, "unknown_kind")
    assert_problem(api.get("/api/v1/metadata/object/ghost"), 404, "document_not_found")
    assert_problem(api.delete("/api/v1/metadata/object/ghost"), 404, "document_not_found")


def test_state_must_be_draft_or_published(api):
    put(api, object_doc("deal", TITLE))
    body = assert_problem(api.get("/api/v1/metadata/object/deal?state=live"), 400)
    assert "state" in body["errors"]


def test_post_creates_a_first_draft_and_refuses_an_existing_name(api):
    created = api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE))
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/metadata/object/deal")
    assert created.get_json()["version"] == 1
    again = assert_problem(api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE)), 409, "document_exists")
    assert again["detail"] == 'object "deal" already exists; use PUT to change it'
    assert api.get("/api/v1/metadata/object/deal").get_json()["version"] == 1


def test_creating_an_existing_document_is_a_conflict_named_in_chinese_too(api):
    api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE))
    body = assert_problem(api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE),
                                   headers={"Accept-Language": "zh-CN"}), 409, "document_exists")
    assert (body["title"], body["detail"]) == ("元数据文档已存在", "object“deal”已存在；请用 PUT 修改")


def test_a_document_marked_for_deletion_may_be_created_again(api):
    api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE))
    api.delete("/api/v1/metadata/object/deal")
    assert api.post("/api/v1/metadata/object", json=object_doc("deal", TITLE)).status_code == 201
    assert api.get("/api/v1/metadata/object/deal").get_json()["version"] == 3


def test_a_static_default_that_does_not_fit_its_field_is_refused_before_it_is_published(api):
    """Otherwise every later create would fail on a value the user never sent."""
    def check(field):
        saved = put(api, object_doc("deal", TITLE, field))
        if saved.status_code == 200:
            body = assert_problem(api.post("/api/v1/metadata/publish"), 422, "publish_refused")
            assert "object/deal:fields[1].default" in body["errors"], body["errors"]
        else:
            body = assert_problem(saved, 422, "invalid_document")
            assert "fields[1].default" in body["errors"], body["errors"]
        assert current_revision(api.client.application) == 0

    check_each([
        {"name": "stage", "type": "picklist", "options": ["Open", "Won"], "default": "Maybe"},
        {"name": "amount", "type": "currency", "default": "lots"},
        {"name": "flag", "type": "boolean", "default": "perhaps"},
        {"name": "code", "type": "text", "max_length": 3, "default": "ABCDEF"},
    ], check)


# -- drafts versus published ------------------------------------------------------------------

def test_the_published_state_stays_until_the_next_publish(api):
    assert define(api, object_doc("deal", TITLE)).status_code == 200
    put(api, object_doc("deal", TITLE, {"name": "amount", "type": "currency"}))

    draft = api.get("/api/v1/metadata/object/deal").get_json()
    published = api.get("/api/v1/metadata/object/deal?state=published").get_json()
    assert (draft["version"], published["version"]) == (2, 1)
    assert [f["name"] for f in draft["body"]["fields"]] == ["title", "amount"]
    assert [f["name"] for f in published["body"]["fields"]] == ["title"]
    listed = api.get("/api/v1/metadata/object?state=published").get_json()["items"]
    assert [[f["name"] for f in d["fields"]] for d in listed] == [["title"]]
    assert_problem(api.post("/api/v1/objects/deal/records", json={"title": "x", "amount": "1"}), 422,
                   "validation_failed")

    assert api.post("/api/v1/metadata/publish").status_code == 200
    published = api.get("/api/v1/metadata/object/deal?state=published").get_json()
    assert published["version"] == 2
    assert create(api, "deal", {"title": "x", "amount": "1"})["amount"] == "1.00"


def test_a_never_published_draft_has_no_published_state(api):
    put(api, object_doc("deal", TITLE))
    assert_problem(api.get("/api/v1/metadata/object/deal?state=published"), 404, "document_not_found")
    assert api.get("/api/v1/metadata/object?state=published").get_json()["items"] == []
    assert_problem(api.get("/api/v1/objects/deal/records"), 404, "object_not_found")


def test_publish_answers_the_new_revision_its_changes_and_steps_and_writes_one_event(api):
    response = define(api, ACCOUNT, object_doc("deal", TITLE))
    assert response.status_code == 200
    result = response.get_json()
    assert result["revision"] == 1
    assert result["changes"] == [{"kind": "object", "name": "account", "action": "create"},
                                 {"kind": "object", "name": "deal", "action": "create"}]
    assert [(s["op"], s["target"]) for s in result["steps"]] == [
        ("create_table", "account"), ("create_table", "deal"),
        ("create_search_index", "account.name"), ("create_search_index", "deal.title")]
    assert result["lossy"] is False
    assert {"obj_account", "obj_deal"} <= table_names(api.client.application)
    events = outbox_events(api.client.application, "metadata.published")
    assert [e["payload"]["revision"] for e in events] == [1]


def test_revisions_are_listed_newest_first_with_their_changes(api):
    define(api, ACCOUNT)
    define(api, object_doc("deal", TITLE))
    api.delete("/api/v1/metadata/object/deal")
    api.post("/api/v1/metadata/publish")
    items = api.get("/api/v1/metadata/revisions").get_json()["items"]
    assert [r["revision"] for r in items] == [3, 2, 1]
    assert [r["changes"] for r in items] == [
        [{"kind": "object", "name": "deal", "action": "delete"}],
        [{"kind": "object", "name": "deal", "action": "create"}],
        [{"kind": "object", "name": "account", "action": "create"}],
    ]
    assert all(r["author"] == "admin" for r in items)
    assert all(r["published_at"].endswith("Z") for r in items)


def test_deleting_a_draft_document_drops_the_object_at_publish(api):
    define(api, ACCOUNT, object_doc("deal", TITLE))
    deleted = api.delete("/api/v1/metadata/object/deal")
    assert deleted.status_code == 200 and deleted.get_json()["deleted"] is True
    assert api.get("/api/v1/objects/deal/records").get_json()["items"] == []
    assert api.post("/api/v1/metadata/publish").status_code == 200
    assert_problem(api.get("/api/v1/objects/deal/records"), 404, "object_not_found")
    assert "obj_deal" not in table_names(api.client.application)


# -- cross-checks at publish ------------------------------------------------------------------

def test_a_lookup_to_a_missing_object_is_refused_and_nothing_is_published(api):
    app = api.client.application
    define(api, ACCOUNT)
    before = (current_revision(app), published_pointers(app), table_names(app))
    put(api, object_doc("region", TITLE))
    put(api, object_doc("deal", TITLE, {"name": "partner", "type": "lookup", "target": "partner"}))

    body = assert_problem(api.post("/api/v1/metadata/publish"), 422, "publish_refused")
    assert list(body["errors"]) == ["object/deal:fields[1].target"]
    assert "partner" in body["errors"]["object/deal:fields[1].target"][0]
    assert (current_revision(app), published_pointers(app), table_names(app)) == before
    assert_problem(api.get("/api/v1/metadata/object/region?state=published"), 404)
    assert len(outbox_events(app, "metadata.published")) == 1


def test_deleting_an_object_that_others_look_up_is_refused(api):
    define(api, ACCOUNT, object_doc("deal", TITLE, {"name": "account", "type": "lookup", "target": "account"}))
    api.delete("/api/v1/metadata/object/account")
    body = assert_problem(api.post("/api/v1/metadata/publish"), 422, "publish_refused")
    assert "object/deal:fields[1].target" in body["errors"]
    assert api.get("/api/v1/objects/account/records").get_json()["items"] == []
    assert "obj_account" in table_names(api.client.application)


def test_an_index_or_title_field_naming_a_missing_field_is_refused_at_publish(api):
    put(api, object_doc("deal", TITLE, indexes=[{"fields": ["stage"]}], title_field="name"))
    body = assert_problem(api.post("/api/v1/metadata/publish"), 422, "publish_refused")
    assert {"object/deal:indexes[0].fields", "object/deal:title_field"} <= set(body["errors"])
    assert current_revision(api.client.application) == 0


def test_a_lookup_to_an_object_in_the_same_publish_is_accepted(api):
    response = define(api, object_doc("deal", TITLE, {"name": "account", "type": "lookup", "target": "account"}),
                      ACCOUNT)
    assert response.status_code == 200, response.get_json()
    account = create(api, "account", {"name": "ACME"})
    assert create(api, "deal", {"title": "Pumps", "account": account["id"]})["account"] == account["id"]


# -- the plan is a dry run -------------------------------------------------------------------

def test_the_plan_describes_the_next_publish_and_changes_nothing(api):
    app = api.client.application
    define(api, ACCOUNT)
    create(api, "account", {"name": "ACME"})
    put(api, object_doc("account", {"name": "name", "type": "text", "required": True},
                        {"name": "tier", "type": "picklist", "options": ["A", "B"]}))
    put(api, object_doc("deal", TITLE))
    before = (current_revision(app), published_pointers(app), table_names(app), len(outbox_events(app)))

    for _ in range(2):
        response = api.get("/api/v1/metadata/plan")
        assert response.status_code == 200
        plan = response.get_json()
        assert plan["revision"] == 1
        assert plan["lossy"] is False
        assert plan["changes"] == [{"kind": "object", "name": "account", "action": "update"},
                                   {"kind": "object", "name": "deal", "action": "create"}]
        assert [(s["op"], s["target"]) for s in plan["steps"]] == [("create_table", "deal"),
                                                                  ("add_column", "account.tier"),
                                                                  ("create_search_index", "deal.title")]
    assert (current_revision(app), published_pointers(app), table_names(app), len(outbox_events(app))) == before
    published_fields = api.get("/api/v1/metadata/object/account?state=published").get_json()["body"]["fields"]
    assert [f["name"] for f in published_fields] == ["name"]

    published = api.post("/api/v1/metadata/publish").get_json()
    assert published["steps"] == plan["steps"]


def test_the_plan_reports_what_a_lossy_publish_would_lose(api):
    define(api, ACCOUNT, object_doc("deal", TITLE, {"name": "notes", "type": "long_text"}))
    create(api, "deal", {"title": "a", "notes": "keep me"})
    create(api, "deal", {"title": "b"})
    put(api, object_doc("deal", TITLE))
    plan = api.get("/api/v1/metadata/plan").get_json()
    assert plan["lossy"] is True
    [step] = plan["steps"]
    assert (step["op"], step["target"], step["lossy"], step["affected_records"]) == ("drop_column", "deal.notes", True, 1)
    assert "1 record(s)" in step["loss"]
    assert api.get("/api/v1/objects/deal/records/1").get_json()["notes"] == "keep me"


def test_the_plan_refuses_a_set_that_does_not_pass_its_checks(api):
    put(api, object_doc("deal", TITLE, {"name": "partner", "type": "lookup", "target": "partner"}))
    assert_problem(api.get("/api/v1/metadata/plan"), 422, "publish_refused")
