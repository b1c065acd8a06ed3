"""The designer's "Users and access" pages through the test client: administrators list and
open users, roles and teams (with their members) and permission sets (as a matrix of object
rights and field-level security); everyone else gets the 403 page. The pages only read: the
writes they offer are the API's (their forms name the API routes)."""

import re

import pytest

from tests.designer.conftest import BASE, SCRIPT

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAGES = ("/app/design/people", "/app/design/people/users/new", "/app/design/people/roles",
         "/app/design/people/teams", "/app/design/people/permission-sets",
         "/app/design/people/permission-sets/sales_rep")


def text(response):
    return response.get_data(as_text=True)


def api(client, method, path, body=None):
    response = client.open(BASE + path, method=method, json=body, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code in (200, 201, 204), response.get_json()
    return response.get_json()


def user_id(client, username):
    return next(u["id"] for u in api(client, "GET", "/api/v1/users")["items"] if u["username"] == username)


class TestWhoMayOpenThem:
    @pytest.mark.parametrize("path", PAGES)
    def test_a_rep_gets_the_403_page(self, shop, path):
        response = shop.browser("rita").get(BASE + path)
        assert response.status_code == 403 and response.mimetype == "text/html"

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, shop):
        response = shop.browser().get(f"{BASE}/app/design/people")
        assert response.status_code == 302 and "/app/login?next=/app/design/people" in response.headers["Location"]

    def test_the_area_is_in_the_design_menu_of_administrators_only(self, shop):
        assert 'id="nav-design-people"' in text(shop.browser("ada").get(f"{BASE}/app/"))
        assert 'id="nav-design-people"' not in text(shop.browser("rita").get(f"{BASE}/app/"))


class TestUsers:
    def test_the_list_shows_each_user_with_their_assignments(self, shop):
        page = text(shop.browser("ada").get(f"{BASE}/app/design/people"))
        rita = re.search(r'<tr data-user="rita">(.*?)</tr>', page, re.S).group(1)
        assert "sales_rep" in rita and "Administrator" not in rita
        ada = re.search(r'<tr data-user="ada">(.*?)</tr>', page, re.S).group(1)
        assert "Administrator" in ada

    def test_the_list_pages_by_id(self, shop, monkeypatch):
        from tessera.designer import people_reading

        monkeypatch.setattr(people_reading, "USERS_PAGE", 1)
        admin = shop.browser("ada")
        first = text(admin.get(f"{BASE}/app/design/people"))
        cursor = re.search(r'rel="next" href="/app/design/people\?cursor=(\d+)"', first).group(1)
        second = text(admin.get(f"{BASE}/app/design/people?cursor={cursor}"))
        assert first.count("<tr data-user=") == second.count("<tr data-user=") == 1
        assert re.findall(r'data-user="(\w+)"', first) != re.findall(r'data-user="(\w+)"', second)

    def test_the_new_user_form_offers_the_published_sets_roles_and_teams(self, shop):
        admin = shop.browser("ada")
        api(admin, "POST", "/api/v1/roles", {"name": "sales_director"})
        api(admin, "POST", "/api/v1/teams", {"name": "north", "label": {"en": "North"}})
        page = text(admin.get(f"{BASE}/app/design/people/users/new"))
        assert 'data-api="/api/v1/users" data-method="POST"' in " ".join(page.split())
        for value in ("sales_rep", "sales_director", "north"):
            assert f'value="{value}"' in page, value
        assert 'data-key="password" data-kind="omit-empty"' in page

    def test_a_users_page_holds_their_values_and_the_deactivate_button(self, shop):
        admin = shop.browser("ada")
        rita = user_id(admin, "rita")
        page = text(admin.get(f"{BASE}/app/design/people/users/{rita}"))
        assert re.search(r'value="sales_rep" checked', page)
        assert f'data-api="/api/v1/users/{rita}"' in page and 'id="deactivate-user"' in page
        api(admin, "DELETE", f"/api/v1/users/{rita}")
        page = text(admin.get(f"{BASE}/app/design/people/users/{rita}"))
        assert 'id="reactivate-user"' in page and 'id="deactivate-user"' not in page

    def test_an_unknown_user_is_the_404_page(self, shop):
        assert shop.browser("ada").get(f"{BASE}/app/design/people/users/999999").status_code == 404


class TestRolesAndTeams:
    def test_roles_are_shown_under_their_parent(self, shop):
        admin = shop.browser("ada")
        api(admin, "POST", "/api/v1/roles", {"name": "director", "label": {"en": "Director"}})
        api(admin, "POST", "/api/v1/roles", {"name": "manager", "label": {"en": "Manager"}, "parent": "director"})
        page = text(admin.get(f"{BASE}/app/design/people/roles"))
        tree = re.findall(r'<li class="depth-(\d)" data-unit="(\w+)">', page)
        assert tree == [("0", "director"), ("1", "manager")]

    def test_a_team_page_lists_its_members_and_its_form(self, shop):
        admin = shop.browser("ada")
        api(admin, "POST", "/api/v1/teams", {"name": "north", "label": {"en": SCRIPT}})
        api(admin, "PATCH", f"/api/v1/users/{user_id(admin, 'rita')}", {"team": "north"})
        page = text(admin.get(f"{BASE}/app/design/people/teams/north"))
        members = re.search(r'<ul class="member-list" id="members">(.*?)</ul>', page, re.S).group(1)
        assert "rita" in members and "ada" not in members
        assert ESCAPED in page and SCRIPT not in page
        assert 'data-api="/api/v1/teams/north"' in page and 'data-method="PATCH"' in page

    def test_an_unknown_team_is_the_404_page(self, shop):
        assert shop.browser("ada").get(f"{BASE}/app/design/people/teams/nowhere").status_code == 404


class TestPermissionSets:
    def test_the_list_shows_each_set_and_whether_it_is_published(self, shop):
        admin = shop.browser("ada")
        api(admin, "POST", "/api/v1/metadata/permission_set", {"kind": "permission_set", "name": "auditor"})
        page = text(admin.get(f"{BASE}/app/design/people/permission-sets"))
        assert re.search(r'data-set="sales_rep">.*?Published</td>', page, re.S)
        assert re.search(r'data-set="auditor">.*?Draft, not published</td>', page, re.S)

    def test_the_matrix_shows_what_the_draft_grants(self, shop):
        page = text(shop.browser("ada").get(f"{BASE}/app/design/people/permission-sets/sales_rep"))
        opportunity = re.search(r'<tbody class="matrix-object" data-object="opportunity">(.*?)</tbody>\s*</table>',
                                page, re.S).group(1)
        checked = re.findall(r'data-right="(\w+)" aria-label="[^"]*" checked', opportunity)
        assert checked == ["create", "read", "edit"]
        margin = re.search(r'<tr data-field-name="margin">(.*?)</tr>', opportunity, re.S).group(1)
        amount = re.search(r'<tr data-field-name="amount">(.*?)</tr>', opportunity, re.S).group(1)
        assert "checked" not in margin and amount.count("checked") == 2
        assert 'data-api="/api/v1/metadata/permission_set/sales_rep" data-method="PUT"' in page

    def test_labels_holding_markup_are_shown_as_text(self, shop):
        page = text(shop.browser("ada").get(f"{BASE}/app/design/people/permission-sets/sales_rep"))
        assert "<b>Title</b>" not in page and SCRIPT not in page and ESCAPED in page

    def test_a_set_with_no_draft_is_the_404_page(self, shop):
        assert shop.browser("ada").get(f"{BASE}/app/design/people/permission-sets/nothing").status_code == 404


def test_the_pages_speak_chinese_to_a_chinese_administrator(shop):
    admin = shop.browser("ada")
    api(admin, "PATCH", "/api/v1/users/me", {"locale": "zh-CN"})
    page = text(admin.get(f"{BASE}/app/design/people"))
    assert "<h1>用户和权限</h1>" in page and ">新建用户</a>" in page
    matrix = text(admin.get(f"{BASE}/app/design/people/permission-sets/sales_rep"))
    assert "字段级安全" in matrix and ">修改全部</th>" in matrix
