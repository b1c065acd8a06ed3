"""The reader's own API tokens page (/app/tokens): every signed-in user manages their own
tokens; a secret is shown once by the browser from the API's answer and never by a page."""

import re

from tests.designer.conftest import BASE


def text(response):
    return response.get_data(as_text=True)


def issue(client, **body):
    """Create a token through the API with the session, as the page's script does."""
    response = client.post(f"{BASE}/api/v1/tokens", json=body, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_anonymous_visitor_is_sent_to_the_login_page(shop):
    response = shop.browser().get(f"{BASE}/app/tokens")
    assert response.status_code == 302 and "/app/login?next=/app/tokens" in response.headers["Location"]


def test_every_reader_finds_their_tokens_in_the_work_navigation(shop):
    for username in ("rita", "ada"):
        page = text(shop.browser(username).get(f"{BASE}/app/tokens"))
        assert 'id="nav-tokens" aria-current="page">API tokens</a>' in page, username
        assert "You have no token." in page and 'id="token-form"' in page


def test_a_token_is_listed_with_its_scope_and_use_but_never_its_secret(shop):
    rep = shop.browser("rita")
    made = issue(rep, name="ERP <sync>", scope="read", expires_in_days=30)
    page = text(rep.get(f"{BASE}/app/tokens"))
    row = re.search(rf'<tr data-token="{made["id"]}">(.*?)</tr>', page, re.S).group(1)
    assert "ERP &lt;sync&gt;" in row and "Read only" in row and "Never" in row
    assert made["created_at"][:10] in row and made["expires_at"][:10] in row
    assert f'data-api="/api/v1/tokens/{made["id"]}"' in row
    assert made["token"] not in page and made["token"][:12] not in page


def test_a_revoked_token_is_marked_and_offers_no_revoke(shop):
    rep = shop.browser("rita")
    made = issue(rep, name="old")
    revoked = rep.delete(f"{BASE}/api/v1/tokens/{made['id']}", headers={"X-CSRF-Token": rep.csrf})
    assert revoked.status_code == 204
    page = text(rep.get(f"{BASE}/app/tokens"))
    row = re.search(rf'<tr data-token="{made["id"]}" class="revoked">(.*?)</tr>', page, re.S).group(1)
    assert "Revoked" in row and "revoke-token" not in row


def test_a_reader_sees_only_their_own_tokens(shop):
    issue(shop.browser("ada"), name="admin-automation")
    assert "admin-automation" not in text(shop.browser("rita").get(f"{BASE}/app/tokens"))
    assert "admin-automation" in text(shop.browser("ada").get(f"{BASE}/app/tokens"))


def test_the_tokens_page_speaks_chinese_to_a_chinese_reader(shop):
    rep = shop.browser("rita")
    rep.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": rep.csrf})
    page = text(rep.get(f"{BASE}/app/tokens"))
    assert "<h1>API 令牌</h1>" in page and "你还没有令牌。" in page
