"""The reader's work through the test client, over the demo's sales team: the approval inbox,
the approval part of a record page, the performance dashboard and its explanations, and
feedback (pages and API). Each page shows what the API answers the same reader."""

import pytest

from tessera.platform import create_app
from tessera.platform.demo import load_demo
from tests.conftest import seeds_for
from tests.designer.conftest import BASE, PASSWORD, SCRIPT
from tests.platform.support import assert_problem
from tests.templates import Seed

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PEOPLE = ("admin", "li.wei", "wang.fang", "zhao.lei")


def build_team(url):
    """The demo (sales team, KPI scheme, this quarter's deals, a discount request waiting for
    Zhao Lei); passwords for PEOPLE; a deal of Li Wei's titled with a script, submitted too."""
    from tessera.runtime import Context
    from tessera.runtime.identity.principal import context_for_user
    from tessera.runtime.identity.users import find_user, set_password

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    try:
        load_demo(runtime)
        with runtime.write() as conn:
            ids = {name: find_user(conn, name)["id"] for name in PEOPLE}
            admin = Context(user_id=ids["admin"], username="admin", is_admin=True)
            for user_id in ids.values():
                set_password(conn, admin, user_id, PASSWORD)
        with runtime.read() as conn:
            li = context_for_user(conn, runtime.model(conn), ids["li.wei"])
        script = runtime.records.create(li, "opportunity", {"title": SCRIPT, "amount": "1000", "discount": "0.2",
                                                            "stage": "Negotiation"})["id"]
        request = runtime.approvals.submit(li, "opportunity", script, {"comment": SCRIPT})
        small = runtime.records.create(li, "opportunity", {"title": "Small discount", "amount": "10",
                                                           "discount": "0.05"})["id"]
        big = runtime.records.create(li, "opportunity", {"title": "Big discount", "amount": "10",
                                                         "discount": "0.25"})["id"]
        return {"ids": ids, "script": script, "request": request["id"], "small": small, "big": big}
    finally:
        runtime.dispose()


database_seed = seeds_for(team=Seed("designer_work_team", build_team))


class Team:
    """The app over a copy of the team, and a signed-in test client per person."""

    def __init__(self, app, data):
        self.app, self.data, self.ids = app, data, data["ids"]
        self.clients = {}

    def client(self, username):
        """A client signed in as ``username`` (one login per person and test)."""
        if username not in self.clients:
            self.clients[username] = self._signed_in(username)
        return self.clients[username]

    def _signed_in(self, username):
        client = self.app.test_client()
        response = client.post(f"{BASE}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        client.csrf = response.get_json()["csrf_token"]
        return client

    def page(self, username, path, status=200):
        response = self.client(username).get(BASE + path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def api(self, username, method, path, **kwargs):
        client = self.client(username)
        headers = {"X-CSRF-Token": client.csrf, **kwargs.pop("headers", {})}
        return client.open(BASE + path, method=method, headers=headers, **kwargs)


@pytest.fixture
def team(app, seed_data):
    return Team(app, seed_data)


# -- approval inbox ---------------------------------------------------------------------------

def test_the_inbox_lists_the_managers_pending_items_with_record_step_submitter_and_age(team):
    page = team.page("zhao.lei", "/app/approvals")
    assert "Harbour crane pumps" in page and "Owner&#39;s manager" in page and "Li Wei" in page
    assert page.count('class="inbox-item panel"') == 2 and ("ago" in page or "just now" in page)
    assert f'data-api="/api/v1/approvals/{team.data["request"]}/approve"' in page
    assert '<span class="badge">2<span class="visually-hidden"> waiting</span></span>' in page


def test_a_rep_with_nothing_to_decide_sees_an_empty_inbox_and_no_badge(team):
    page = team.page("li.wei", "/app/approvals")
    assert 'id="inbox-empty"' in page and 'class="badge"' not in page


def test_a_script_in_a_record_title_or_comment_is_shown_as_text_in_the_inbox_and_timeline(team):
    inbox = team.page("zhao.lei", "/app/approvals")
    record = team.page("zhao.lei", f"/app/o/opportunity/{team.data['script']}")
    for page in (inbox, record):
        assert SCRIPT not in page and ESCAPED in page


# -- the record page ---------------------------------------------------------------------------

def test_the_submitter_sees_the_timeline_the_lock_and_recall_the_approver_approve_and_reject(team):
    path = f"/app/o/opportunity/{team.data['script']}"
    rep, manager = team.page("li.wei", path), team.page("zhao.lei", path)
    for page in (rep, manager):
        assert 'id="approval-status">Pending<' in page and 'id="record-lock"' in page
        assert "submitted it for approval" in page and "Waiting for Zhao Lei" in page
    assert 'data-approval="recall"' in rep and 'data-approval="approve"' not in rep
    assert 'data-approval="approve"' in manager and 'data-approval="reject"' in manager
    assert 'data-approval="recall"' not in manager


def test_edit_is_offered_on_a_locked_record_only_to_those_the_lock_lets_change_it(team):
    path = f"/app/o/opportunity/{team.data['script']}"
    edit = f'href="{path}/edit"'
    assert edit not in team.page("li.wei", path)  # the submitter waits for the decision
    assert edit in team.page("zhao.lei", path)  # the approver of the current step
    assert edit in team.page("admin", path)
    big = f"/app/o/opportunity/{team.data['big']}"
    assert f'href="{big}/edit"' in team.page("li.wei", big)  # not submitted: hers to edit
    locked = team.api("li.wei", "PATCH", f"/api/v1/objects/opportunity/records/{team.data['script']}",
                      json={"amount": "1"})
    assert locked.status_code == 409


def test_submit_is_offered_only_when_a_flow_accepts_the_record_and_the_reader_may_submit_it(team):
    assert 'data-approval="submit"' in team.page("li.wei", f"/app/o/opportunity/{team.data['big']}")
    assert 'id="approval-panel"' not in team.page("li.wei", f"/app/o/opportunity/{team.data['small']}")


def test_what_the_page_offers_the_api_accepts(team):
    big = team.data["big"]
    submitted = team.api("li.wei", "POST", f"/api/v1/objects/opportunity/records/{big}/approval", json={})
    assert submitted.status_code == 201
    page = team.page("li.wei", f"/app/o/opportunity/{big}")
    assert 'data-approval="submit"' not in page and 'data-approval="recall"' in page
    recalled = team.api("li.wei", "POST", f"/api/v1/approvals/{submitted.get_json()['id']}/recall", json={})
    assert recalled.status_code == 200
    page = team.page("li.wei", f"/app/o/opportunity/{big}")
    assert 'id="approval-status">Recalled<' in page and 'data-approval="submit"' in page
    assert 'id="record-lock"' not in page


# -- performance ---------------------------------------------------------------------------

def _period(page):
    """The period id of a dashboard page (from its explanation links)."""
    return page.split("/app/performance/explain?period=")[1].split("&")[0]


def test_my_dashboard_shows_the_scorecard_the_api_answers_with_bars_trend_leaderboard_and_insights(team):
    page = team.page("li.wei", "/app/performance")
    card = team.api("li.wei", "GET", "/api/v1/scorecards", query_string={"period": _period(page)}).get_json()
    assert f'id="perf-total">{card["total"]}<' in page
    for item in card["items"]:
        assert f'<tr data-kpi="{item["kpi"]}">' in page and item["label"] in page
        assert f"kpi={item['kpi']}" in page
    assert page.count('class="bar bar-') == len(card["items"]) and 'role="img"' in page
    assert '<svg class="trend"' in page and '<ol class="leaderboard"' in page and "Chen Jie" in page
    assert '<ul class="insights" id="insights">' in page and "<script>" not in page.split("</head>")[1]


def test_the_dashboard_names_the_scheme_by_its_label_in_the_readers_language(team):
    assert "Quarterly sales plan · v1" in team.page("li.wei", "/app/performance")
    rep = team.client("li.wei")
    rep.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": rep.csrf})
    assert "季度销售考核 · v1" in rep.get(f"{BASE}/app/performance").get_data(as_text=True)


def test_a_rep_cannot_open_a_colleagues_dashboard_the_api_refuses_but_their_manager_can(team):
    other = team.ids["wang.fang"]
    refused = team.page("li.wei", f"/app/performance?user={other}", status=404)
    assert "Performance of" not in refused
    period = _period(team.page("li.wei", "/app/performance"))
    assert_problem(team.api("li.wei", "GET", "/api/v1/scorecards",
                            query_string={"user": other, "period": period}), 404)
    assert "Performance of Wang Fang" in team.page("zhao.lei", f"/app/performance?user={other}")
    team.page("li.wei", f"/app/performance/explain?user={other}&period={period}&kpi=revenue", status=404)


def test_each_number_opens_its_explanation_with_the_records_behind_it_paged(team, monkeypatch):
    from tessera.designer import performance_pages

    page = team.page("li.wei", "/app/performance")
    link = page.split('<tr data-kpi="revenue">')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    explained = team.page("li.wei", link)
    assert "Where Revenue comes from" in explained and "Harbour pumps upgrade" in explained
    monkeypatch.setattr(performance_pages, "EXPLAIN_PAGE", "1")
    first = team.page("li.wei", link)
    assert first.count("<tr>") == 1 + 1 and 'rel="next"' in first


def test_someone_no_scheme_measures_sees_an_empty_dashboard(team):
    assert 'id="perf-empty"' in team.page("admin", "/app/performance")


def test_the_dashboard_speaks_simplified_chinese(team):
    rep = team.client("li.wei")
    rep.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": rep.csrf})
    page = rep.get(f"{BASE}/app/performance").get_data(as_text=True)
    assert "我的业绩" in page and "销售额" in page and "排行榜" in page and "辅导建议" in page


# -- feedback ---------------------------------------------------------------------------------

def test_feedback_is_stored_with_page_and_author_triaged_by_an_administrator_and_seen_by_its_author(team):
    created = team.api("li.wei", "POST", "/api/v1/feedback",
                       json={"kind": "pain", "text": f"Slow inbox {SCRIPT}", "page": "/app/approvals"})
    assert created.status_code == 201
    entry = created.get_json()
    assert (entry["status"], entry["page"], entry["author"]["id"]) == ("new", "/app/approvals", team.ids["li.wei"])
    assert ESCAPED in team.page("li.wei", "/app/feedback") and ESCAPED in team.page("admin", "/app/feedback/triage")
    triaged = team.api("admin", "PATCH", f"/api/v1/feedback/{entry['id']}", json={"status": "planned", "note": "Soon"})
    assert triaged.status_code == 200 and triaged.get_json()["status"] == "planned"
    page = team.page("li.wei", "/app/feedback")
    assert ">Planned<" in page and "Soon" in page
    audit = team.api("admin", "GET", "/api/v1/audit", query_string={"event": "feedback."}).get_json()["items"]
    assert [e["event"] for e in audit] == ["feedback.triaged", "feedback.submitted"]


def test_feedback_is_the_authors_and_the_administrators_only(team):
    entry = team.api("li.wei", "POST", "/api/v1/feedback", json={"text": "An idea"}).get_json()
    assert_problem(team.api("wang.fang", "GET", f"/api/v1/feedback/{entry['id']}"), 404, "not_found")
    assert team.api("wang.fang", "GET", "/api/v1/feedback").get_json()["items"] == []
    assert [e["id"] for e in team.api("admin", "GET", "/api/v1/feedback").get_json()["items"]] == [entry["id"]]
    assert_problem(team.api("li.wei", "PATCH", f"/api/v1/feedback/{entry['id']}", json={"status": "done"}), 403)
    team.page("li.wei", "/app/feedback/triage", status=403)


@pytest.mark.parametrize("body, field", [
    ({"text": "   "}, "text"), ({"text": "x" * 4001}, "text"), ({"kind": "rant", "text": "x"}, "kind"),
    ({"text": "x", "page": "https://elsewhere"}, "page"), ({"text": "x", "mood": "sad"}, "mood"),
])
def test_bad_feedback_is_a_problem_naming_the_field_and_stores_nothing(team, body, field):
    problem = assert_problem(team.api("li.wei", "POST", "/api/v1/feedback", json=body), 422, "validation_failed")
    assert field in problem["errors"]
    assert team.api("admin", "GET", "/api/v1/feedback").get_json()["items"] == []


def test_feedback_lists_filter_by_status_and_page_by_cursor(team):
    for n in range(3):
        team.api("li.wei", "POST", "/api/v1/feedback", json={"text": f"idea {n}"})
    first = team.api("admin", "GET", "/api/v1/feedback", query_string={"limit": 2}).get_json()
    rest = team.api("admin", "GET", "/api/v1/feedback", query_string={"cursor": first["next_cursor"]}).get_json()
    assert [e["text"] for e in first["items"] + rest["items"]] == ["idea 2", "idea 1", "idea 0"]
    assert rest["next_cursor"] is None
    assert team.api("admin", "GET", "/api/v1/feedback", query_string={"status": "done"}).get_json()["items"] == []
    assert_problem(team.api("admin", "GET", "/api/v1/feedback", query_string={"status": "open"}), 400)
    assert_problem(team.api("admin", "GET", "/api/v1/feedback", query_string={"cursor": ""}), 400)
    assert len(team.api("admin", "GET", "/api/v1/feedback", query_string={"cursor": "00"}).get_json()["items"]) == 3


def test_every_work_page_carries_the_feedback_entry(team):
    for path in ("/app/", "/app/approvals", "/app/performance", "/app/feedback"):
        assert 'id="feedback-open"' in team.page("li.wei", path) and 'id="feedback-dialog"' in team.page("li.wei", path)


def test_the_trends_totals_are_the_persons_scorecard_totals_for_those_who_may_see_them(team):
    from tessera.runtime.errors import ScorecardNotFound
    from tessera.runtime.identity.principal import context_for_user

    runtime = team.app.extensions["tessera"]
    period = _period(team.page("li.wei", "/app/performance"))
    card = team.api("li.wei", "GET", "/api/v1/scorecards", query_string={"period": period}).get_json()
    with runtime.read() as conn:
        rep = context_for_user(conn, runtime.model(conn), team.ids["li.wei"])
    assert runtime.scorecards.totals(rep, None, "sales_quarterly", [period, "2023-Q1"]) == [
        {"period": period, "total": card["total"]}, {"period": "2023-Q1", "total": None}]
    with pytest.raises(ScorecardNotFound):
        runtime.scorecards.totals(rep, str(team.ids["wang.fang"]), "sales_quarterly", [period])
