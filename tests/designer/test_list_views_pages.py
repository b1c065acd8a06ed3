"""The list page with views and search, the lookup typeahead's reads, and the list views designer."""

import re

from tests.designer.conftest import BASE
from tests.designer.test_list_views_api import MINE, VIEWS, write

LIST = f"{BASE}/app/o/opportunity"
SHARED = {"kind": "list_view", "name": "big_deals", "object": "opportunity", "label": {"en": "Big deals", "zh-CN": "大单"},
          "columns": ["amount", "margin", "title"], "filter": "amount > 1000",
          "sort": [{"field": "amount", "direction": "desc"}], "default": True}


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def headers_of(page):
    return re.findall(r'<th scope="col"[^>]*>\s*<a [^>]*>([^<]*)</a>', page)


def rows_of(page):
    return len(re.findall(r'class="record-link"', page))


def publish_shared(shop, doc=SHARED):
    admin = shop.browser("ada")
    assert write(admin, "POST", f"{BASE}/api/v1/metadata/list_view", doc).status_code == 201
    assert write(admin, "POST", f"{BASE}/api/v1/metadata/publish", {}).status_code == 200


class TestListPage:
    def test_search_narrows_the_list_and_its_count(self, shop):
        admin = shop.browser("ada")
        write(admin, "POST", f"{BASE}/api/v1/objects/opportunity/records", {"title": "Pump overhaul"})
        page = text(admin.get(LIST, query_string={"q": "pump"}))
        assert rows_of(page) == 1 and ">1 record</span>" in page and 'value="pump"' in page
        assert rows_of(text(admin.get(LIST))) == 2

    def test_the_default_shared_view_opens_first_with_its_columns_filter_and_sort(self, shop):
        publish_shared(shop)
        page = text(shop.browser("rita").get(LIST))
        assert headers_of(page) == ["Amount ▼", "Title"]  # margin is hidden from rita: dropped
        assert '<option value="big_deals" selected>Big deals · default</option>' in page
        assert 'value="amount &gt; 1000"' in page and rows_of(page) == 1
        admin = text(shop.browser("ada").get(LIST))
        assert headers_of(admin) == ["Amount ▼", "Margin", "Title"]

    def test_all_records_can_be_picked_instead_of_the_default(self, shop):
        publish_shared(shop, {**SHARED, "filter": "amount > 5000"})
        rita = shop.browser("rita")
        assert rows_of(text(rita.get(LIST))) == 0
        page = text(rita.get(LIST, query_string={"view": ""}))
        assert rows_of(page) == 1 and headers_of(page)[0] == "Title"

    def test_a_personal_view_is_offered_to_its_owner_only(self, shop):
        rita = shop.browser("rita")
        view = write(rita, "POST", VIEWS, {**MINE, "filter": "amount > 5000", "default": False}).get_json()
        page = text(rita.get(LIST, query_string={"view": view["id"]}))
        assert f'<option value="{view["id"]}" selected>My pumps (mine)</option>' in page
        assert 'id="view-delete"' in page and rows_of(page) == 0
        admin = text(shop.browser("ada").get(LIST, query_string={"view": view["id"]}))
        assert "My pumps" not in admin and rows_of(admin) == 1

    def test_a_view_filtering_on_a_hidden_field_is_refused_as_the_api_refuses_it(self, shop):
        publish_shared(shop, {**SHARED, "filter": "margin > 0"})
        page = shop.browser("rita").get(LIST).get_data(as_text=True)
        assert 'id="filter-error"' in page and rows_of(page) == 0


class TestLookup:
    def test_the_typeahead_finds_records_by_title_as_the_reader_may_see_them(self, shop):
        admin = shop.browser("ada")
        found = admin.get(f"{BASE}/app/o/account/lookup", query_string={"q": "acme"})
        assert found.get_json() == {"items": [{"id": shop.account, "title": "Acme Pumps"}]}
        assert admin.get(f"{BASE}/app/o/account/lookup", query_string={"id": shop.account}).get_json()["items"][0]["title"] == "Acme Pumps"
        assert shop.browser("rita").get(f"{BASE}/app/o/account/lookup", query_string={"q": "acme"}).status_code == 403

    def test_forms_load_the_typeahead(self, shop):
        page = text(shop.browser("ada").get(f"{LIST}/new"))
        assert 'data-lookup="account"' in page and "/app/static/lookup.js" in page


class TestDesigner:
    def test_administrators_see_shared_views_per_object(self, shop):
        publish_shared(shop)
        page = text(shop.browser("ada").get(f"{BASE}/app/design/list-views"))
        assert "Big deals" in page and "<code>big_deals</code>" in page and 'id="nav-design-list-views"' in page

    def test_others_get_the_403_page(self, shop):
        response = shop.browser("rita").get(f"{BASE}/app/design/list-views")
        assert response.status_code == 403 and response.mimetype == "text/html"
        assert shop.browser("rita").get(f"{BASE}/app/design/list-views/new?object=opportunity").status_code == 403

    def test_the_editor_offers_columns_in_order_and_a_formula_filter(self, shop):
        publish_shared(shop)
        page = text(shop.browser("ada").get(f"{BASE}/app/design/list-views/big_deals"))
        assert 'data-formula data-formula-object="opportunity" data-formula-context="filter"' in page
        order = re.findall(r'<li data-column="([a-z_]+)">', page)
        assert order[:3] == ["amount", "margin", "title"] and "next_step" not in order
        assert 'data-method="PUT"' in page and "/api/v1/metadata/list_view/big_deals" in page

    def test_a_new_view_starts_with_the_title_column(self, shop):
        page = text(shop.browser("ada").get(f"{BASE}/app/design/list-views/new", query_string={"object": "account"}))
        assert re.search(r'id="col-name" value="name" checked', page) and 'data-method="POST"' in page
