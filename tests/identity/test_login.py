"""Password login, browser sessions and their CSRF protection, throttling."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tessera.metadata.store import utcnow
from tessera.platform import create_app
from tessera.runtime.identity.users import create_user
from tessera.runtime.identity.login_policy import DEFAULT_POLICY
from tessera.runtime.schema.system_tables import audit_log, login_attempt, web_session
from tessera.runtime.schema.system_tables import user
from tests.identity.conftest import PASSWORD, url
from tests.platform.support import assert_problem

HTTPS = "https://localhost"


@pytest.fixture
def browser(org):
    return org.app.test_client()


def login(client, username="alice", password=PASSWORD, ip="10.0.0.1"):
    return client.post(f"{HTTPS}/api/v1/auth/login", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def assert_logged_in(response, username="alice"):
    """``response`` is a successful login of ``username`` that set a session cookie."""
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["user"]["username"] == username
    assert any(c.startswith("tessera_session=") for c in response.headers.getlist("Set-Cookie"))


def assert_wrong_login(response):
    """``response`` is the one and only answer to a wrong username or password."""
    body = assert_problem(response, 401, "unauthenticated")
    assert body["detail"] == "the username or password is wrong"


def events(org, event):
    with org.runtime.read() as conn:
        return conn.execute(select(audit_log).where(audit_log.c.event == event).order_by(audit_log.c.id)).mappings().all()


def test_a_login_sets_a_secure_httponly_lax_session_cookie_and_returns_a_csrf_token(org, browser):
    response = login(browser)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"]["username"] == "alice" and len(body["csrf_token"]) >= 32
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("tessera_session="))
    flags = {part.strip().lower() for part in session_cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    listed = browser.get(f"{HTTPS}{url()}")
    assert listed.status_code == 200 and listed.get_json()["items"] == []


def test_the_session_secret_is_stored_only_as_a_hash(org, browser):
    login(browser)
    secret = browser.get_cookie("tessera_session", domain="localhost").value
    with org.runtime.read() as conn:
        stored = conn.execute(select(web_session.c.secret_hash)).scalars().all()
    assert secret not in stored and len(stored) == 1


@pytest.mark.parametrize("username, password", [("alice", "wrong password"), ("nobody", PASSWORD),
                                                ("alice", ""), ("' OR 1=1 --", "' OR '1'='1")])
def test_a_wrong_login_gets_one_and_the_same_401(org, browser, username, password):
    body = assert_problem(login(browser, username, password), 401, "unauthenticated")
    assert body["detail"] == "the username or password is wrong"
    assert browser.get_cookie("tessera_session", domain="localhost") is None
    assert events(org, "login.failed")[-1]["subject"] == username


def test_a_deactivated_user_cannot_log_in_and_their_session_stops_working(org, browser):
    assert_logged_in(login(browser))
    org.admin.delete(f"/api/v1/users/{org.ids['alice']}")
    assert_problem(browser.get(f"{HTTPS}{url()}"), 401, "unauthenticated")
    body = assert_problem(login(org.app.test_client()), 401, "unauthenticated")
    assert body["detail"] == "the username or password is wrong"
    assert events(org, "login.failed")[-1]["details"] == {"reason": "deactivated"}


def test_a_state_changing_request_by_cookie_needs_the_csrf_token(org, browser):
    csrf = login(browser).get_json()["csrf_token"]
    assert_problem(browser.post(f"{HTTPS}{url()}", json={"title": "forged"}), 403, "csrf_failed")
    assert_problem(browser.post(f"{HTTPS}{url()}", json={"title": "forged"}, headers={"X-CSRF-Token": "nope"}),
                   403, "csrf_failed")
    assert_problem(browser.patch(f"{HTTPS}/api/v1/users/me", json={"display_name": "x"}), 403, "csrf_failed")
    made = browser.post(f"{HTTPS}{url()}", json={"title": "real"}, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201 and made.get_json()["owner"] == org.ids["alice"]
    assert [i["title"] for i in org.admin.get(url()).get_json()["items"]] == ["real"]


def test_another_sessions_csrf_token_does_not_fit(org, browser):
    login(browser)
    other = login(org.app.test_client()).get_json()["csrf_token"]
    assert_problem(browser.post(f"{HTTPS}{url()}", json={"title": "x"}, headers={"X-CSRF-Token": other}), 403)


def test_the_session_endpoint_gives_back_the_csrf_token(org, browser):
    csrf = login(browser).get_json()["csrf_token"]
    info = browser.get(f"{HTTPS}/api/v1/auth/session").get_json()
    assert (info["authenticated_by"], info["csrf_token"], info["user"]["username"]) == ("session", csrf, "alice")


def test_logout_ends_the_session(org, browser):
    csrf = login(browser).get_json()["csrf_token"]
    secret = browser.get_cookie("tessera_session", domain="localhost").value
    assert_problem(browser.post(f"{HTTPS}/api/v1/auth/logout"), 403, "csrf_failed")
    assert browser.post(f"{HTTPS}/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    replay = org.app.test_client()
    replay.set_cookie("tessera_session", secret, domain="localhost")
    assert_problem(replay.get(f"{HTTPS}{url()}"), 401, "unauthenticated")
    assert len(events(org, "logout")) == 1


def test_an_idle_or_expired_session_is_refused(org, browser):
    login(browser)
    with org.runtime.write() as conn:
        conn.execute(update(web_session).values(last_seen_at=utcnow() - timedelta(hours=3)))
    assert_problem(browser.get(f"{HTTPS}{url()}"), 401, "unauthenticated")


def test_a_bearer_token_needs_no_csrf_token(org):
    made = org["alice"].post(url(), json={"title": "api"})
    assert made.status_code == 201 and made.get_json()["title"] == "api"


def test_repeated_failures_lock_the_user_out_even_with_the_right_password(org, browser):
    for _ in range(DEFAULT_POLICY.failures_per_user):
        assert_wrong_login(login(browser, password="wrong one!"))
    locked = login(browser)
    assert_problem(locked, 429, "login_throttled")
    assert int(locked.headers["Retry-After"]) > 0
    assert events(org, "login.failed")[-1]["details"] == {"reason": "throttled"}
    assert_wrong_login(login(browser, "bob", "whatever!", ip="10.0.0.2"))


def test_the_lockout_is_per_user_case_insensitively(org, browser):
    for _ in range(DEFAULT_POLICY.failures_per_user):
        login(browser, "ALICE", "wrong one!", ip=f"10.1.0.{_}")
    assert_problem(login(browser, ip="10.9.9.9"), 429, "login_throttled")


def test_repeated_failures_from_one_address_lock_that_address_out(org, browser):
    for index in range(DEFAULT_POLICY.failures_per_address):
        login(browser, f"user{index}", "wrong one!", ip="192.0.2.7")
    assert_problem(login(browser, ip="192.0.2.7"), 429, "login_throttled")
    assert_logged_in(login(browser, ip="192.0.2.8"))


def test_failures_older_than_the_window_no_longer_count(org, browser):
    for _ in range(DEFAULT_POLICY.failures_per_user):
        login(browser, password="wrong one!")
    with org.runtime.write() as conn:
        conn.execute(update(login_attempt).values(at=utcnow() - DEFAULT_POLICY.failure_window - timedelta(seconds=1)))
    assert_logged_in(login(browser))


def test_a_successful_login_is_audited(org, browser):
    login(browser)
    entry = events(org, "login.succeeded")[-1]
    assert (entry["actor_id"], entry["ip"], entry["outcome"]) == (org.ids["alice"], "10.0.0.1", "success")


def test_a_user_may_change_their_password_knowing_the_current_one(org, browser):
    alice = org["alice"]
    bad = alice.post("/api/v1/users/me/password", json={"current_password": "nope", "new_password": "another long one"})
    assert_problem(bad, 422, "validation_failed")
    short = alice.post("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": "short"})
    assert_problem(short, 422, "validation_failed")
    ok = alice.post("/api/v1/users/me/password", json={"current_password": PASSWORD, "new_password": "another long one"})
    assert ok.status_code == 204 and ok.get_data() == b""
    assert_wrong_login(login(org.app.test_client(), password=PASSWORD, ip="10.0.0.3"))
    assert_logged_in(login(browser, password="another long one"))
    with org.runtime.read() as conn:
        stored = conn.execute(select(user.c.password_hash).where(user.c.username == "alice")).scalar_one()
    assert stored.startswith("scrypt:") and "another long one" not in stored


@pytest.fixture
def strict_app(database_url):
    """An app whose settings lock out after two failures in a minute and end idle sessions after 30 s."""
    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "LOGIN_MAX_FAILURES": "2",
                      "LOGIN_FAILURE_WINDOW": "60", "SESSION_IDLE_TIMEOUT": "30", "SESSION_LIFETIME": "600"})
    with app.extensions["tessera"].write() as conn:
        create_user(conn, "alice", password=PASSWORD)
    yield app
    app.extensions["tessera"].dispose()


def test_the_lockout_follows_the_login_settings(strict_app):
    client = strict_app.test_client()
    for _ in range(2):
        assert_wrong_login(login(client, password="wrong one!"))
    locked = login(client)
    assert_problem(locked, 429, "login_throttled")
    assert 0 < int(locked.headers["Retry-After"]) <= 61
    with strict_app.extensions["tessera"].write() as conn:
        conn.execute(update(login_attempt).values(at=utcnow() - timedelta(seconds=61)))
    assert_logged_in(login(client))


def test_sessions_follow_the_session_settings(strict_app):
    client = strict_app.test_client()
    response = login(client)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("tessera_session="))
    assert "max-age=600" in cookie.lower()
    session = client.get(f"{HTTPS}/api/v1/auth/session")
    assert session.status_code == 200 and session.get_json()["user"]["username"] == "alice"
    with strict_app.extensions["tessera"].write() as conn:
        conn.execute(update(web_session).values(last_seen_at=utcnow() - timedelta(seconds=31)))
    assert_problem(client.get(f"{HTTPS}/api/v1/auth/session"), 401, "unauthenticated")
