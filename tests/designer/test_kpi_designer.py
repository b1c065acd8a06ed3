"""The KPI and scheme designer through the test client, over the demo's KPIs and quarterly
scheme: every option of each document is shown in its editor, drafts saved through the
metadata API appear with their state, a bad draft is refused with problems naming its fields
and changes nothing, "try this KPI" offers what the engine can explain, and only
administrators get in."""

import json
import re
from html.parser import HTMLParser

import pytest

from tessera.platform import create_app
from tessera.platform.demo import EXAMPLE, load_demo
from tests.conftest import seeds_for
from tests.designer.conftest import BASE, PASSWORD, SCRIPT
from tests.platform.support import assert_problem
from tests.templates import Seed

PEOPLE = ("admin", "li.wei", "pia")
#: A permission set granting the KPI-administration right (targets, assignments, adjustments).
PLANNING = {"name": "planning", "manage_performance": True}
DEMO_KPIS = json.loads((EXAMPLE / "performance" / "metadata" / "3-kpis.json").read_text("utf-8"))
DEMO_SCHEME = json.loads((EXAMPLE / "performance" / "metadata" / "4-kpi_scheme.json").read_text("utf-8"))
PAGES = ("/app/design/kpis", "/app/design/kpis/new-kpi", "/app/design/kpis/kpi/revenue",
         "/app/design/kpis/new-scheme", "/app/design/kpis/scheme/sales_quarterly")


def build_demo(url):
    """The demo (sales team, KPIs, the quarterly scheme), ``pia`` holding PLANNING, passwords for PEOPLE."""
    from tessera.runtime import Context
    from tessera.runtime.identity.users import find_user, set_password

    app = create_app({"DATABASE_URL": url, "TESTING": True})
    runtime = app.extensions["tessera"]
    try:
        load_demo(runtime)
        with runtime.read() as conn:
            admin_id = find_user(conn, "admin")["id"]
        admin = Context(user_id=admin_id, username="admin", is_admin=True)
        runtime.metadata.save(admin, "permission_set", "planning", PLANNING)
        runtime.metadata.publish(admin)
        runtime.accounts.create(admin, {"username": "pia", "permission_sets": ["planning"]})
        with runtime.write() as conn:
            ids = {name: find_user(conn, name)["id"] for name in PEOPLE}
            for user_id in ids.values():
                set_password(conn, admin, user_id, PASSWORD)
        return {"ids": ids}
    finally:
        runtime.dispose()


database_seed = seeds_for(designer=Seed("kpi_designer_demo", build_demo))


class Designer:
    """The app over a copy of the demo, with signed-in test clients."""

    def __init__(self, app, data):
        self.app, self.ids, self.clients = app, data["ids"], {}

    def client(self, username):
        if username not in self.clients:
            client = self.app.test_client()
            response = client.post(f"{BASE}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.get_json()
            client.csrf = response.get_json()["csrf_token"]
            self.clients[username] = client
        return self.clients[username]

    def page(self, path, status=200, username="admin"):
        response = self.client(username).get(BASE + path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def put(self, kind, name, body):
        client = self.client("admin")
        return client.put(f"{BASE}/api/v1/metadata/{kind}/{name}", json={"kind": kind, "name": name, **body},
                          headers={"X-CSRF-Token": client.csrf})


@pytest.fixture
def designer(app, seed_data):
    return Designer(app, seed_data)


class Inputs(HTMLParser):
    """The form controls of a page: ``values`` {id: value} (a select's selected option, a
    textarea's text), ``checked`` {(name, value)} of checked boxes and radios, and ``rows``:
    per scheme item row, {name: value}."""

    def __init__(self, html):
        super().__init__()
        self.values, self.checked, self.rows = {}, set(), []
        self._select = self._textarea = None
        self._in_template = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._in_template = True
        if self._in_template:
            return
        if tag == "tr" and a.get("class") == "scheme-item":
            self.rows.append({})
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.checked.add((a["name"], a["value"]))
        elif tag == "input":
            self._keep(a, a.get("value", ""))
        elif tag == "select":
            self._select = a
            self._keep(a, "")
        elif tag == "option" and self._select is not None and "selected" in a:
            self._keep(self._select, a["value"])
        elif tag == "textarea":
            self._textarea = a
            self._keep(a, "")

    def _keep(self, a, value):
        if "id" in a:
            self.values[a["id"]] = value
        elif self.rows and "name" in a:
            self.rows[-1][a["name"]] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._keep(self._textarea, data)

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


# -- the overview -------------------------------------------------------------------------------

def test_the_overview_groups_the_demos_kpis_by_category_and_lists_the_scheme_with_its_weights(designer):
    page = designer.page("/app/design/kpis")
    for category, names in (("result", ("revenue", "margin", "team_selling")),
                            ("process", ("won_deals", "closed_deals", "win_rate")), ("quality", ("discount",))):
        section = page.split(f'data-category="{category}"')[1].split("</section>")[0]
        assert [n for n in (k["name"] for k in DEMO_KPIS) if f'data-kpi="{n}"' in section] == list(names)
    assert page.count(">Published</span>") == len(DEMO_KPIS) + 1
    scheme = page.split('data-scheme="sales_quarterly"')[1].split("</tr>")[0]
    assert "Quarterly sales plan" in scheme and "Quarter" in scheme and "2024-01-01 to open-ended" in scheme
    assert "Revenue <span class=\"muted\">30 %</span>" in scheme and '"weight-sum">Total 100 %' in scheme
    assert 'id="what-if-note"' in page and "not offered yet" in page


def test_the_design_menu_lists_the_area_for_administrators(designer):
    assert 'id="nav-design-kpis"' in designer.page("/app/")
    assert 'id="nav-design-kpis"' not in designer.page("/app/", username="li.wei")


# -- the KPI editor ------------------------------------------------------------------------------

@pytest.mark.parametrize("kpi", DEMO_KPIS, ids=lambda k: k["name"])
def test_the_kpi_editor_shows_every_option_of_each_demo_kpi(designer, kpi):
    found = Inputs(designer.page(f"/app/design/kpis/kpi/{kpi['name']}"))
    v = found.values
    assert (v["k-label-en"], v["k-label-zh"]) == (kpi["label"]["en"], kpi["label"]["zh-CN"])
    assert (v["k-direction"], v["k-category"]) == (kpi.get("direction", "higher"), kpi.get("category", "result"))
    assert (v["k-unit"], v["k-scale"]) == (kpi["unit"], str(kpi["scale"]))
    if "formula" in kpi:
        assert ("kpi-kind", "ratio") in found.checked and v["k-formula"] == kpi["formula"]
        return
    assert ("kpi-kind", "measured") in found.checked
    assert (v["k-object"], v["k-measure"], v["k-filter"]) == (kpi["object"], kpi["measure"], kpi["filter"])
    assert v["k-date_field"] == kpi["date_field"]
    split = kpi["credit"].get("split")
    if split:
        assert ("credit-kind", "split") in found.checked
        assert [v[f"k-split-{p}"] for p in ("object", "parent", "user", "percent")] == [
            split["object"], split["parent"], split["user"], split["percent"]]
    else:
        assert ("credit-kind", "user_field") in found.checked and v["k-user_field"] == kpi["credit"]["user_field"]


def test_formula_inputs_are_marked_for_the_formula_editor_with_their_object_and_context(designer):
    page = designer.page("/app/design/kpis/kpi/revenue")
    assert 'data-formula\n                data-formula-object="opportunity" data-formula-context="aggregate"' in page
    assert 'data-formula-object="opportunity" data-formula-context="filter"' in page
    assert "/app/static/formula_editor.js" in page and "/app/static/design_kpi.js" in page


def test_a_new_kpi_starts_from_the_schemas_defaults(designer):
    found = Inputs(designer.page("/app/design/kpis/new-kpi"))
    assert found.values["k-name"] == "" and found.values["k-user_field"] == "owner"
    assert (found.values["k-direction"], found.values["k-category"], found.values["k-unit"]) == (
        "higher", "result", "number")
    assert ("kpi-kind", "measured") in found.checked and ("credit-kind", "user_field") in found.checked


def test_a_draft_saved_through_the_api_shows_with_its_state_and_its_label_as_text(designer):
    saved = designer.put("kpi", "calls", {"label": {"en": SCRIPT}, "object": "opportunity", "measure": "COUNT()",
                                          "date_field": "close_date", "credit": {"user_field": "owner"},
                                          "category": "process"})
    assert saved.status_code == 200, saved.get_json()
    changed = designer.put("kpi", "margin", {**next(k for k in DEMO_KPIS if k["name"] == "margin"), "scale": 0})
    assert changed.status_code == 200
    page = designer.page("/app/design/kpis")
    process = page.split('data-category="process"')[1].split("</section>")[0]
    row = process.split('data-kpi="calls"')[1].split("</tr>")[0]
    assert "Draft, never published" in row and SCRIPT not in page and "&lt;script&gt;" in row
    assert "Published, draft changed" in page.split('data-kpi="margin"')[1].split("</tr>")[0]
    assert Inputs(designer.page("/app/design/kpis/kpi/margin")).values["k-scale"] == "0"


def test_a_kpi_marked_for_deletion_is_listed_as_deleted_at_the_next_publish(designer):
    client = designer.client("admin")
    deleted = client.delete(f"{BASE}/api/v1/metadata/kpi/closed_deals", headers={"X-CSRF-Token": client.csrf})
    assert deleted.status_code == 200
    row = designer.page("/app/design/kpis").split('data-kpi="closed_deals"')[1].split("</tr>")[0]
    assert "Deleted at next publish" in row


def test_a_bad_kpi_draft_is_refused_with_problems_naming_its_fields_and_changes_nothing(designer):
    refused = designer.put("kpi", "revenue", {"object": "opportunity", "measure": "SUM(amount)", "scale": 11,
                                              "credit": {"user_field": ""}, "label": {}})
    problem = assert_problem(refused, 422, "invalid_document")
    assert set(problem["errors"]) == {"scale", "credit.user_field", "label"}
    page = designer.page("/app/design/kpis")
    assert ">Published, draft changed<" not in page
    assert Inputs(designer.page("/app/design/kpis/kpi/revenue")).values["k-scale"] == "2"


def test_an_unknown_kpi_or_scheme_is_the_404_page(designer):
    designer.page("/app/design/kpis/kpi/nothing_here", status=404)
    designer.page("/app/design/kpis/scheme/nothing_here", status=404)


# -- the scheme editor --------------------------------------------------------------------------

def test_the_scheme_editor_shows_every_option_of_the_demo_scheme(designer):
    found = Inputs(designer.page("/app/design/kpis/scheme/sales_quarterly"))
    v = found.values
    assert (v["s-label-en"], v["s-label-zh"]) == (DEMO_SCHEME["label"]["en"], DEMO_SCHEME["label"]["zh-CN"])
    assert (v["s-period_type"], v["s-effective_from"], v["s-effective_to"]) == ("quarter", "2024-01-01", "")
    assert (v["s-missing_target"], v["s-proration"], v["s-leaderboard"]) == ("renormalize", "days", "all")
    assert ("roles", "sales_rep") in found.checked and not {c for c in found.checked if c[0] in ("teams", "users")}
    expected = [{"kpi": i["kpi"], "weight": str(round(i["weight"] * 100)),
                 "gate": str(round(i["scoring"]["gate"] * 100)) if "gate" in i["scoring"] else "",
                 "floor": str(i["scoring"]["floor"]), "cap": str(i["scoring"]["cap"]), "above_target_slope": ""}
                for i in DEMO_SCHEME["items"]]
    assert found.rows == expected


def test_the_scheme_editor_shows_the_weight_total_and_says_the_engine_requires_100(designer):
    page = designer.page("/app/design/kpis/scheme/sales_quarterly")
    assert '<span class="sum">Total 100 %</span>' in page and "must total 100 %" in page
    assert "/app/static/design_scheme.js" in page and 'id="item-template"' in page


def test_the_scheme_pickers_offer_the_roles_teams_and_people_of_the_directory(designer):
    page = designer.page("/app/design/kpis/new-scheme")
    for role in ("sales_manager", "sales_rep", "sales_director", "finance"):
        assert f'name="roles" value="{role}"' in page
    for team in ("sales", "east", "north"):
        assert f'name="teams" value="{team}"' in page
    assert f'name="users" value="{designer.ids["li.wei"]}"> Li Wei' in page


def test_a_scheme_keeps_the_people_it_names_beyond_the_pickers_limit_or_since_deactivated(designer, monkeypatch):
    from tessera.designer import kpi_design_reads

    monkeypatch.setattr(kpi_design_reads, "USER_PICKER_LIMIT", 1)  # the admin alone is listed
    client = designer.client("admin")
    off = client.delete(f"{BASE}/api/v1/users/{designer.ids['pia']}", headers={"X-CSRF-Token": client.csrf})
    assert off.status_code == 204
    body = {**DEMO_SCHEME, "applies_to": {"roles": [], "teams": [], "users": ["li.wei", designer.ids["pia"]]}}
    assert designer.put("kpi_scheme", "sales_quarterly", body).status_code == 200
    checked = Inputs(designer.page("/app/design/kpis/scheme/sales_quarterly")).checked
    assert {("users", str(designer.ids["li.wei"])), ("users", str(designer.ids["pia"]))} <= checked
    assert f'value="{designer.ids["admin"]}"' in designer.page("/app/design/kpis/new-scheme")


def test_saving_a_scheme_with_weights_60_and_30_is_refused_as_totalling_90_and_nothing_changes(designer):
    items = [{"kpi": "revenue", "weight": 0.6}, {"kpi": "margin", "weight": 0.3}]
    refused = designer.put("kpi_scheme", "sales_quarterly", {**DEMO_SCHEME, "items": items})
    problem = assert_problem(refused, 422, "invalid_document")
    assert problem["errors"] == {"items": ["the weights of the items must total exactly 1, not 0.9"]}
    page = designer.page("/app/design/kpis/scheme/sales_quarterly")
    assert len(Inputs(page).rows) == len(DEMO_SCHEME["items"]) and "Total 100 %" in page


def test_a_scheme_draft_with_every_option_reads_back_in_the_editor(designer):
    body = {"label": {"en": "Margin plan"}, "period_type": "month", "effective_from": "2026-07-01",
            "effective_to": "2026-12-31", "missing_target": "incomplete", "proration": "none",
            "leaderboard": "managers",
            "applies_to": {"roles": [], "teams": ["east"], "users": [designer.ids["li.wei"]]},
            "items": [{"kpi": "margin", "weight": 0.6, "scoring": {"gate": 0.25, "floor": 10, "cap": 200,
                                                                    "above_target_slope": 1.5}},
                      {"kpi": "win_rate", "weight": 0.4}]}
    assert designer.put("kpi_scheme", "margin_plan", body).status_code == 200
    found = Inputs(designer.page("/app/design/kpis/scheme/margin_plan"))
    assert (found.values["s-period_type"], found.values["s-effective_to"]) == ("month", "2026-12-31")
    assert (found.values["s-proration"], found.values["s-leaderboard"]) == ("none", "managers")
    assert {("teams", "east"), ("users", str(designer.ids["li.wei"]))} <= found.checked
    assert found.rows == [{"kpi": "margin", "weight": "60", "gate": "25", "floor": "10", "cap": "200",
                           "above_target_slope": "1.5"},
                          {"kpi": "win_rate", "weight": "40", "gate": "", "floor": "", "cap": "",
                           "above_target_slope": ""}]
    assert "Draft, never published" in designer.page("/app/design/kpis").split('data-scheme="margin_plan"')[1]


# -- try this KPI ---------------------------------------------------------------------------------

def test_a_published_kpi_in_a_scheme_is_tried_through_the_explanation_of_a_persons_number(designer):
    found = Inputs(page := designer.page("/app/design/kpis/kpi/revenue"))
    assert 'id="try-form"' in page and 'action="/app/performance/explain"' in page
    assert '<option value="sales_quarterly">Quarterly sales plan</option>' in page.split('id="try-scheme"')[1]
    first_person = page.split('id="try-user"')[1].split("</option>")[0]
    assert f'value="{designer.ids["li.wei"]}">Li Wei (li.wei)' in first_person  # measured people first
    period = found.values["try-period"]
    assert re.fullmatch(r"\d{4}-Q[1-4]", period)
    query = {"kpi": "revenue", "user": designer.ids["li.wei"], "period": period, "scheme": "sales_quarterly"}
    response = designer.client("admin").get(f"{BASE}/app/performance/explain", query_string=query)
    assert response.status_code == 200 and "Revenue" in response.get_data(as_text=True)


def test_a_draft_or_a_kpi_no_scheme_holds_says_why_it_cannot_be_tried(designer):
    assert designer.put("kpi", "calls", {"object": "opportunity", "measure": "COUNT()", "date_field": "close_date",
                                         "credit": {"user_field": "owner"}}).status_code == 200
    draft = designer.page("/app/design/kpis/kpi/calls")
    assert 'id="try-form"' not in draft and "never published" in draft.split('id="try-unavailable"')[1]
    unscored = designer.page("/app/design/kpis/kpi/won_deals")
    assert 'id="try-form"' not in unscored and "No published scheme" in unscored.split('id="try-unavailable"')[1]


# -- who may design --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_a_rep_gets_the_403_page_and_an_anonymous_reader_the_login_page(designer, path):
    refused = designer.page(path, status=403, username="li.wei")
    assert "only administrators may do this" in refused and 'id="kpi-form"' not in refused
    response = designer.app.test_client().get(BASE + path)
    assert response.status_code == 302 and "/app/login?next=" in response.headers["Location"]


def test_a_holder_of_manage_performance_is_refused_as_the_metadata_api_refuses_them(designer):
    client = designer.client("pia")
    refused = client.put(f"{BASE}/api/v1/metadata/kpi/calls", json={"formula": "won_deals"},
                         headers={"X-CSRF-Token": client.csrf})
    assert_problem(refused, 403)
    for path in PAGES:
        designer.page(path, status=403, username="pia")
    assert 'id="nav-design-kpis"' not in designer.page("/app/", username="pia")


def test_the_pages_speak_simplified_chinese(designer):
    client = designer.client("admin")
    patched = client.patch(f"{BASE}/api/v1/users/me", json={"locale": "zh-CN"}, headers={"X-CSRF-Token": client.csrf})
    assert patched.status_code == 200
    overview = designer.page("/app/design/kpis")
    assert "KPI 和考核方案" in overview and "销售额" in overview and "季度销售考核" in overview
    assert "合计 100%" in designer.page("/app/design/kpis/scheme/sales_quarterly")
