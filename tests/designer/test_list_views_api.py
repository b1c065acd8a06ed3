"""Search on record lists and counts, and personal list views over the REST API."""

import pytest

from tests.designer.conftest import BASE, PASSWORD, SALES_REP
from tests.platform.support import assert_problem

RECORDS = f"{BASE}/api/v1/objects/opportunity/records"
VIEWS = f"{BASE}/api/v1/objects/opportunity/list-views"
MINE = {"label": {"en": "My pumps"}, "columns": ["title", "amount"], "filter": "amount > 100",
        "sort": [{"field": "amount", "direction": "desc"}], "default": True}


def write(client, method, url, body=None):
    return client.open(url, method=method, json=body, headers={"X-CSRF-Token": client.csrf})


@pytest.fixture
def deals(shop):
    """Three deals besides the seed's: two of rita's, one of the administrator's."""
    admin = shop.browser("ada")
    users = write(admin, "GET", f"{BASE}/api/v1/users?limit=100").get_json()["items"]
    rita = next(u["id"] for u in users if u["username"] == "rita")
    for title, owner in (("Pump overhaul", None), ("pump spares", rita), ("Valve refit", rita)):
        made = write(admin, "POST", RECORDS, {"title": title, "amount": "500"}).get_json()
        if owner:
            assert write(admin, "POST", f"{RECORDS}/{made['id']}/transfer", {"owner": owner}).status_code == 200
    return shop


def titles(response):
    assert response.status_code == 200, response.get_json()
    return sorted(item["title"] for item in response.get_json()["items"])


class TestSearch:
    def test_q_matches_the_title_by_prefix_ignoring_case(self, deals):
        admin = deals.browser("ada")
        assert titles(admin.get(RECORDS, query_string={"q": "PUMP"})) == ["Pump overhaul", "pump spares"]
        assert titles(admin.get(RECORDS, query_string={"q": "ump"})) == []

    def test_q_only_finds_records_the_reader_may_see(self, deals):
        rita = deals.browser("rita")
        assert titles(rita.get(RECORDS, query_string={"q": "pump"})) == ["pump spares"]
        assert rita.get(f"{RECORDS}/count", query_string={"q": "pump"}).get_json() == {"count": 1}

    def test_q_combines_with_the_filter_and_pages_by_keyset(self, deals):
        admin = deals.browser("ada")
        assert titles(admin.get(RECORDS, query_string={"q": "p", "filter": 'title <> "pump spares"'})) == ["Pump overhaul"]
        first = admin.get(RECORDS, query_string={"q": "p", "limit": 1, "sort": "title"}).get_json()
        second = admin.get(RECORDS, query_string={"q": "p", "limit": 1, "sort": "title", "cursor": first["next_cursor"]})
        assert [i["title"] for i in first["items"] + second.get_json()["items"]] == ["Pump overhaul", "pump spares"]

    def test_a_chinese_prefix_and_the_last_character_of_a_range_are_matched_exactly(self, deals):
        admin = deals.browser("ada")
        for title in ("华东项目", "华西项目", "pumpz", "pump{"):
            write(admin, "POST", RECORDS, {"title": title})
        assert titles(admin.get(RECORDS, query_string={"q": "华东"})) == ["华东项目"]
        assert titles(admin.get(RECORDS, query_string={"q": "pumpz"})) == ["pumpz"]

    def test_wildcards_typed_are_plain_characters(self, deals):
        assert titles(deals.browser("ada").get(RECORDS, query_string={"q": "%"})) == []
        assert titles(deals.browser("ada").get(RECORDS, query_string={"q": "_ump"})) == []

    def test_a_blank_q_lists_everything_and_a_long_one_is_refused(self, deals):
        admin = deals.browser("ada")
        assert admin.get(f"{RECORDS}/count", query_string={"q": "  "}).get_json()["count"] == 4
        problem = assert_problem(admin.get(RECORDS, query_string={"q": "x" * 201}), 400, "invalid_query")
        assert "q" in problem["errors"]

    def test_a_hidden_title_field_is_not_searched(self, shop):
        admin = shop.browser("ada")
        rep_set = {**SALES_REP, "objects": {**SALES_REP["objects"],
                                            "account": {"read": True, "fields": {"name": {"read": False}}}}}
        assert write(admin, "PUT", f"{BASE}/api/v1/metadata/permission_set/sales_rep", rep_set).status_code == 200
        assert write(admin, "POST", f"{BASE}/api/v1/metadata/publish", {}).status_code == 200
        rita = shop.browser("rita")
        assert rita.get(f"{BASE}/api/v1/objects/account/records").status_code == 200
        problem = assert_problem(rita.get(f"{BASE}/api/v1/objects/account/records", query_string={"q": "Acme"}), 400)
        assert "q" in problem["errors"]
        assert admin.get(f"{BASE}/api/v1/objects/account/records/count", query_string={"q": "acme"}).get_json() == {"count": 1}


class TestPersonalViews:
    def test_a_rep_saves_lists_changes_and_deletes_their_view(self, shop):
        rita = shop.browser("rita")
        made = write(rita, "POST", VIEWS, MINE)
        assert made.status_code == 201, made.get_json()
        view = made.get_json()
        assert (view["shared"], view["columns"], view["default"]) == (False, ["title", "amount"], True)
        assert [v["id"] for v in rita.get(VIEWS).get_json()["items"]] == [view["id"]]
        changed = write(rita, "PUT", f"{VIEWS}/{view['id']}", {**MINE, "label": {"en": "Big"}, "default": False})
        assert changed.status_code == 200 and changed.get_json()["label"] == {"en": "Big"}
        assert write(rita, "DELETE", f"{VIEWS}/{view['id']}").status_code == 204
        assert rita.get(VIEWS).get_json()["items"] == []

    def test_another_user_gets_404_for_someone_elses_view(self, shop):
        rita, admin = shop.browser("rita"), shop.browser("ada")
        view = write(rita, "POST", VIEWS, MINE).get_json()
        assert write(admin, "POST", f"{BASE}/api/v1/users",
                     {"username": "rob", "password": PASSWORD, "permission_sets": ["sales_rep"]}).status_code == 201
        rob = shop.browser("rob")
        assert rob.get(VIEWS).get_json()["items"] == []
        assert_problem(write(rob, "PUT", f"{VIEWS}/{view['id']}", MINE), 404, "not_found")
        assert_problem(write(rob, "DELETE", f"{VIEWS}/{view['id']}"), 404, "not_found")
        assert_problem(write(admin, "DELETE", f"{VIEWS}/{view['id']}"), 404, "not_found")
        assert len(rita.get(VIEWS).get_json()["items"]) == 1

    @pytest.mark.parametrize("change, status, path", [
        ({"filter": "margin > 0"}, 403, None),
        ({"sort": [{"field": "margin"}]}, 403, None),
        ({"columns": ["title", "margin"]}, 403, None),
        ({"columns": ["title", "colour"]}, 400, "fields"),
        ({"filter": "amount +"}, 400, None),
        ({"colour": "red"}, 422, "colour"),
        ({"columns": []}, 422, "columns"),
        ({"label": {"en": "  "}}, 422, "label"),
    ])
    def test_a_view_is_refused_as_the_records_api_refuses_its_query(self, shop, change, status, path):
        rita = shop.browser("rita")
        response = write(rita, "POST", VIEWS, {**MINE, **change})
        assert response.status_code == status and response.mimetype == "application/problem+json"
        if path:
            assert path in response.get_json()["errors"]
        assert rita.get(VIEWS).get_json()["items"] == []

    def test_one_personal_default_per_object(self, shop):
        rita = shop.browser("rita")
        first = write(rita, "POST", VIEWS, MINE).get_json()
        second = write(rita, "POST", VIEWS, {**MINE, "label": {"en": "Second"}}).get_json()
        items = rita.get(VIEWS).get_json()["items"]
        assert [(v["id"], v["default"]) for v in items] == [(second["id"], True), (first["id"], False)]


def test_shared_views_are_listed_read_only_with_hidden_columns_dropped(shop):
    admin = shop.browser("ada")
    shared = {"kind": "list_view", "name": "big_deals", "object": "opportunity", "label": {"en": "Big deals"},
              "columns": ["title", "margin", "amount"], "sort": [{"field": "amount", "direction": "desc"}]}
    assert write(admin, "POST", f"{BASE}/api/v1/metadata/list_view", shared).status_code == 201
    assert write(admin, "POST", f"{BASE}/api/v1/metadata/publish", {}).status_code == 200
    rita = shop.browser("rita")
    view = rita.get(VIEWS).get_json()["items"][0]
    assert (view["id"], view["shared"], view["columns"]) == ("big_deals", True, ["title", "amount"])
    assert admin.get(VIEWS).get_json()["items"][0]["columns"] == ["title", "margin", "amount"]
    assert write(rita, "PUT", f"{VIEWS}/big_deals", MINE).status_code == 404
