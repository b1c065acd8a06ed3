"""The notifications page, the bell and the people picker's markup through the test client, over
the demo's sales team (Zhao Lei, the manager, has approval requests from Li Wei waiting). Each
page shows what the notifications API answers the same reader, and nobody else's."""

import pytest

from tessera.i18n import Message
from tessera.platform import create_app
from tests.conftest import seeds_for
from tests.designer.conftest import BASE, SCRIPT
from tests.designer.test_work_pages import ESCAPED, Team, build_team
from tests.templates import Seed

TEAM = Seed("designer_work_team", build_team)
database_seed = seeds_for(team=TEAM, team_without_robots=TEAM)
#: A WeCom robot makes one external channel available (nothing is sent in these tests).
ROBOT = {"WECOM_WEBHOOK_URL": "https://robot.example.com/cgi-bin/webhook/send?key=k"}


@pytest.fixture
def team(database_url, seed_data):
    made = create_app({"DATABASE_URL": database_url, "TESTING": True, **ROBOT})
    yield Team(made, seed_data)
    made.extensions["tessera"].dispose()


def _listed(team, username, query=""):
    return team.api(username, "GET", f"/api/v1/notifications{query}").get_json()


def _notify(team, username, count):
    rt = team.app.extensions["tessera"]
    with rt.write() as conn:
        return [rt.notifications.notify(conn, [team.ids[username]], "approval.notice",
                                        Message("notification.text", text=f"Note {n}"))[0] for n in range(count)]


# -- the list ------------------------------------------------------------------------------------

def test_the_manager_reads_his_notifications_newest_first_unread_marked_linking_to_record_and_inbox(team):
    page = team.page("zhao.lei", "/app/notifications")
    listed = _listed(team, "zhao.lei")["items"]
    assert listed and all(not item["read"] for item in listed)
    positions = [page.index(f'data-notification="{item["id"]}"') for item in listed]
    assert positions == sorted(positions)
    assert page.count('class="notification panel unread"') == len(listed)
    assert f'href="/app/o/opportunity/{team.data["script"]}"' in page and 'href="/app/approvals"' in page
    assert f'data-read-api="/api/v1/notifications/{listed[0]["id"]}/read"' in page
    assert "Approval requested from me" in page and 'id="notifications-read-all"' in page


def test_a_script_in_a_notification_is_shown_as_text(team):
    rt = team.app.extensions["tessera"]
    with rt.write() as conn:
        rt.notifications.notify(conn, [team.ids["zhao.lei"]], "approval.notice", {"en": SCRIPT, "zh-CN": SCRIPT})
    page = team.page("zhao.lei", "/app/notifications")
    assert SCRIPT not in page and ESCAPED in page


def test_a_read_notification_is_no_longer_marked_and_mark_all_read_is_gone_when_none_is_unread(team):
    first = _listed(team, "zhao.lei")["items"][0]["id"]
    assert team.api("zhao.lei", "POST", f"/api/v1/notifications/{first}/read").status_code == 200
    page = team.page("zhao.lei", "/app/notifications")
    assert f'data-read-api="/api/v1/notifications/{first}/read"' not in page
    assert team.api("zhao.lei", "POST", "/api/v1/notifications/read").status_code == 200
    page = team.page("zhao.lei", "/app/notifications")
    assert 'class="notification panel unread"' not in page and 'class="notification panel"' in page
    assert 'id="notifications-unread">0 unread<' in page and 'id="notifications-read-all"' not in page


def test_nobody_reads_anothers_notifications(team):
    _notify(team, "zhao.lei", 1)
    page = team.page("wang.fang", "/app/notifications")
    assert 'id="notifications-empty"' in page and "Note 0" not in page


def test_the_page_is_keyset_paged_25_at_a_time(team):
    made = _notify(team, "wang.fang", 27)
    first = team.page("wang.fang", "/app/notifications")
    assert first.count("data-notification=") == 25 and "Note 26" in first and "Note 1<" not in first
    assert f'href="/app/notifications?cursor={made[2]}"' in first
    second = team.page("wang.fang", f"/app/notifications?cursor={made[2]}")
    assert second.count("data-notification=") == 2 and "Note 1<" in second and "Note 0<" in second


def test_a_bad_cursor_is_a_400_page(team):
    page = team.page("wang.fang", "/app/notifications?cursor=x1", status=400)
    assert "cursor" in page


def test_an_anonymous_reader_is_sent_to_the_login_page(team):
    response = team.app.test_client().get(BASE + "/app/notifications")
    assert response.status_code == 302 and "/app/login?next=/app/notifications" in response.headers["Location"]


# -- the bell and the work link ------------------------------------------------------------------

def test_the_bell_and_the_work_link_count_the_unread_notifications_on_every_page(team):
    unread = _listed(team, "zhao.lei")["unread_count"]
    page = team.page("zhao.lei", "/app/")
    assert f'id="notifications-bell-count">{unread}<' in page
    assert 'id="nav-notifications"' in page and f'<span class="badge">{unread}<' in page
    team.api("zhao.lei", "POST", "/api/v1/notifications/read")
    assert 'id="notifications-bell-count"' not in team.page("zhao.lei", "/app/")


def test_the_badge_says_99_plus_past_99_unread(team):
    _notify(team, "wang.fang", 100)
    assert 'id="notifications-bell-count">99+<' in team.page("wang.fang", "/app/")


def test_the_page_is_in_the_readers_stored_locale(team):
    assert team.api("zhao.lei", "PATCH", "/api/v1/users/me", json={"locale": "zh-CN"}).status_code == 200
    page = team.page("zhao.lei", "/app/notifications")
    assert '<html lang="zh-CN">' in page and "通知发送到哪里" in page and "请我审批" in page


# -- preferences ---------------------------------------------------------------------------------

def test_each_kind_offers_the_configured_channels_checked_as_the_api_says(team):
    prefs = {"default": [], "kinds": {"approval.requested": ["wecom"]}}
    assert team.api("zhao.lei", "PUT", "/api/v1/notifications/preferences", json=prefs).status_code == 200
    page = team.page("zhao.lei", "/app/notifications")
    requested = page.split('<tr data-kind="approval.requested">', 1)[1].split("</tr>", 1)[0]
    approved = page.split('<tr data-kind="approval.approved">', 1)[1].split("</tr>", 1)[0]
    assert 'value="wecom" checked' in requested and 'value="wecom" checked' not in approved
    assert 'aria-label="Approval requested from me by WeCom"' in requested


@pytest.fixture
def team_without_robots(app, seed_data):
    return Team(app, seed_data)


def test_without_external_channels_the_page_says_notifications_stay_in_the_app(team_without_robots):
    page = team_without_robots.page("zhao.lei", "/app/notifications")
    assert 'id="preferences-none"' in page and 'id="preferences-form"' not in page


# -- the people picker in the inbox --------------------------------------------------------------

def test_the_reassign_dialog_offers_a_people_picker_writing_the_id_into_a_hidden_input(team):
    page = team.page("zhao.lei", "/app/approvals")
    assert 'data-people-picker="approval-user-id"' in page and 'data-api="/api/v1/users/lookup"' in page
    assert '<input type="hidden" id="approval-user-id" name="user">' in page
    assert "user number" not in page


def test_a_rep_may_look_people_up_by_name(team):
    found = team.api("li.wei", "GET", "/api/v1/users/lookup?q=zhao").get_json()["items"]
    assert [person["id"] for person in found] == [team.ids["zhao.lei"]]
    assert set(found[0]) == {"id", "username", "display_name"}
