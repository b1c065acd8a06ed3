"""The app's pages as a browser receives them: redirects, headers, rights, escaping, locale."""

import pytest

from tessera.designer.headers import CONTENT_SECURITY_POLICY
from tests.designer.conftest import BASE, SCRIPT
from tests.platform.support import assert_problem

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def text(response):
    return response.get_data(as_text=True)


def test_the_root_redirects_to_the_app(shop):
    response = shop.browser().get(f"{BASE}/")
    assert (response.status_code, response.location) == (302, "/app/")


@pytest.mark.parametrize("path", ["/app/", "/app/o/opportunity?sort=-amount", "/app/o/opportunity/1/edit"])
def test_an_anonymous_page_request_is_sent_to_the_login_page_naming_the_page(shop, path):
    response = shop.browser().get(BASE + path)
    assert response.status_code == 302
    assert response.location.startswith("/app/login?next=")
    login = shop.browser().get(BASE + response.location)
    assert login.status_code == 200 and 'id="login-form"' in text(login)


@pytest.mark.parametrize("target, expected", [
    ("/app/o/opportunity", "/app/o/opportunity"),
    ("https://evil.example/app/", "/app/"),
    ("//evil.example/app/", "/app/"),
    ("/api/v1/users", "/app/"),
])
def test_the_login_page_sends_back_only_to_pages_of_the_app(shop, target, expected):
    response = shop.browser().get(f"{BASE}/app/login", query_string={"next": target})
    assert f'data-next="{expected}"' in text(response)


def test_api_paths_still_answer_problem_documents_not_redirects(shop):
    assert_problem(shop.browser().get(f"{BASE}/api/v1/objects/opportunity/records"), 401, "unauthenticated")


@pytest.mark.parametrize("path", ["/app/login", "/app/", "/app/o/opportunity", "/app/static/app.css", "/app/o/nothing"])
def test_every_page_and_asset_carries_the_security_headers(shop, path):
    response = shop.browser("rita").get(BASE + path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_policy_allows_no_inline_script_and_no_framing():
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_pages_hold_no_inline_script(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/{shop.deal}/edit"))
    assert page.count("<script") == page.count('<script type="module" src="/app/static/')


def test_the_navigation_lists_the_objects_the_reader_may_read(shop):
    rep = text(shop.browser("rita").get(f"{BASE}/app/"))
    admin = text(shop.browser("ada").get(f"{BASE}/app/"))
    assert 'href="/app/o/opportunity"' in rep and 'href="/app/o/account"' not in rep
    assert 'href="/app/o/account"' in admin and 'href="/app/o/contract"' in admin


def test_an_object_the_reader_may_not_read_is_a_403_page(shop):
    response = shop.browser("rita").get(f"{BASE}/app/o/account")
    assert response.status_code == 403 and response.mimetype == "text/html"


def test_an_unknown_record_is_a_404_page(shop):
    response = shop.browser("rita").get(f"{BASE}/app/o/opportunity/999999")
    assert response.status_code == 404 and "no opportunity record with id 999999" in text(response)


def test_a_hidden_field_is_never_rendered(shop):
    rep = shop.browser("rita")
    for path in ("/app/o/opportunity", f"/app/o/opportunity/{shop.deal}", f"/app/o/opportunity/{shop.deal}/edit"):
        response = rep.get(BASE + path)
        assert response.status_code == 200 and ESCAPED in text(response), path
        assert "Margin" not in text(response) and "300" not in text(response), path
    assert "Margin" in text(shop.browser("ada").get(f"{BASE}/app/o/opportunity/{shop.deal}"))


def test_record_titles_and_labels_are_shown_as_text(shop):
    admin = shop.browser("ada")
    for path in ("/app/", "/app/o/opportunity", f"/app/o/opportunity/{shop.deal}", f"/app/o/probe/{shop.probe}",
                 f"/app/o/probe/{shop.probe}/edit", "/app/o/probe"):
        page = text(admin.get(BASE + path))
        assert SCRIPT not in page and "<b>Title</b>" not in page, path
    assert "Probe " + ESCAPED in text(admin.get(f"{BASE}/app/"))
    assert ESCAPED in text(admin.get(f"{BASE}/app/o/probe/{shop.probe}"))


def test_a_bad_filter_shows_the_apis_message_on_the_list(shop):
    response = shop.browser("rita").get(f"{BASE}/app/o/opportunity", query_string={"filter": "amout > 1"})
    assert response.status_code == 200
    assert "unknown field &#34;amout&#34; (did you mean &#34;amount&#34;?)" in text(response)


def test_a_filter_on_a_hidden_field_is_refused_as_the_api_refuses_it(shop):
    page = shop.browser("rita").get(f"{BASE}/app/o/opportunity", query_string={"filter": "margin > 1"})
    api = shop.browser("rita").get(f"{BASE}/api/v1/objects/opportunity/records", query_string={"filter": "margin > 1"})
    assert api.status_code == 403 and api.get_json()["detail"] in text(page).replace("&#34;", '"')


def test_the_page_speaks_the_users_stored_locale_whatever_the_browser_prefers(shop):
    rep = shop.browser("rita")
    changed = rep.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": rep.csrf})
    assert changed.status_code == 200
    page = text(rep.get(f"{BASE}/app/o/opportunity", headers={"Accept-Language": "en"}))
    assert '<html lang="zh-CN">' in page and "<h1>商机</h1>" in page and "退出登录" in page


def test_the_login_page_follows_the_browsers_language(shop):
    page = text(shop.browser().get(f"{BASE}/app/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert '<html lang="zh-CN">' in page and "登录 Tessera" in page


def test_a_lookup_shows_the_title_of_the_record_it_points_at_to_those_who_may_read_it(shop):
    link = f'<a href="/app/o/account/{shop.account}">'
    for path in ("/app/o/opportunity", f"/app/o/opportunity/{shop.deal}"):
        assert f"{link}Acme Pumps</a>" in text(shop.browser("ada").get(BASE + path)), path
        assert f"{link}#{shop.account}</a>" in text(shop.browser("rita").get(BASE + path)), path


def test_a_list_counts_up_to_a_ceiling_then_says_more_than(shop, monkeypatch):
    from tessera.designer import reading

    admin = shop.browser("ada")
    assert '<span class="count" id="record-count">1 record</span>' in text(admin.get(f"{BASE}/app/o/opportunity"))
    monkeypatch.setattr(reading, "COUNT_CEILING", 0)
    page = text(admin.get(f"{BASE}/app/o/opportunity"))
    assert '<span class="count" id="record-count">More than 0 records</span>' in page


def test_an_unknown_path_of_the_app_is_a_404_page(shop):
    response = shop.browser("rita").get(f"{BASE}/app/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "There is no such page." in text(response) and 'href="/app/o/opportunity"' in text(response)
    assert shop.browser("rita").get(f"{BASE}/app/static/app.css").status_code == 200


def test_a_coloured_picklist_value_reads_as_a_badge_in_the_readers_language(shop):
    rep = shop.browser("rita")
    rep.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": rep.csrf})
    badge = '<span class="badge badge-gray">初步接洽</span>'  # the deal's default stage, Prospecting
    assert badge in text(rep.get(f"{BASE}/app/o/opportunity"))
    assert badge in text(rep.get(f"{BASE}/app/o/opportunity/{shop.deal}"))
