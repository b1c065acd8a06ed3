"""Record pages and forms laid out by the reader's form layout, and the layout designer's pages."""

import re

import pytest

from tests.conftest import api_seed, seeds_for
from tests.designer.conftest import BASE, build_shop

REP_LAYOUT = {
    "kind": "layout", "name": "opportunity_rep", "object": "opportunity", "label": {"en": "Rep view"},
    "assigned_to": {"permission_sets": ["sales_rep"]},
    "sections": [
        {"label": {"en": "Deal", "zh-CN": "商机"}, "columns": 2, "fields": [
            {"field": "title"}, {"field": "amount", "required": True}, {"field": "stage", "read_only": True},
            {"field": "margin"}, {"field": "discount", "visible_when": "amount > 5000"}, {"field": "account"}]},
        {"label": {"en": "Plan"}, "columns": 1, "fields": [{"field": "close_date"}, {"field": "next_step"}]}],
    "related_lists": [{"object": "contract", "via": "opportunity", "columns": ["value", "signed_on"],
                       "label": {"en": "Signed contracts"}}],
}
CONTRACT_READER = {"kind": "permission_set", "name": "contract_reader",
                   "objects": {"contract": {"read": True, "view_all": True}}}


def build_layout_shop(api):
    """The designer shop, with a layout for reps, a contract of rita's deal and ``dora``, a rep
    who may not read contracts."""
    data = build_shop(api)
    for doc in (REP_LAYOUT, CONTRACT_READER):
        assert api.put(f"/api/v1/metadata/{doc['kind']}/{doc['name']}", json=doc).status_code in (200, 201)
    assert api.post("/api/v1/metadata/publish", json={}).status_code == 200
    users = {u["username"]: u["id"] for u in api.get("/api/v1/users").get_json()["items"]}
    patched = api.patch(f"/api/v1/users/{users['rita']}", json={"permission_sets": ["sales_rep", "contract_reader"]})
    assert patched.status_code == 200, patched.get_json()
    made = api.post("/api/v1/users", json={"username": "dora", "password": "correct horse battery",
                                            "permission_sets": ["sales_rep"]})
    assert made.status_code == 201
    contract = api.post("/api/v1/objects/contract/records",
                        json={"account": data["account"], "opportunity": data["deal"], "value": "900"})
    assert contract.status_code == 201, contract.get_json()
    return {**data, "contract": contract.get_json()["id"]}


database_seed = seeds_for(shop=api_seed("designer_layout_shop", build_layout_shop))


@pytest.fixture
def contract(seed_data):
    """The id of the contract of rita's deal."""
    return seed_data["contract"]


def text(response):
    return response.get_data(as_text=True)


def field_order(page):
    return re.findall(r'data-field="([a-z_]+)"', page)


# -- the record page -----------------------------------------------------------------

def test_the_record_page_shows_the_readers_layout_in_sections_in_order(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/{shop.deal}"))
    assert ">Deal</h2>" in page and ">Plan</h2>" in page
    assert field_order(page) == ["title", "amount", "stage", "discount", "account", "close_date", "next_step"]
    assert 'class="fields layout-one"' in page  # the one-column section


def test_a_field_hidden_from_the_reader_stays_hidden_though_the_layout_names_it(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/{shop.deal}"))
    assert 'data-field="margin"' not in page and "300" not in page


def test_visible_when_is_evaluated_on_the_server_for_the_record(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/{shop.deal}"))
    assert 'data-field="discount" hidden' in page  # amount 1200 is not above 5000


def test_a_related_list_shows_the_child_records_and_links_to_all_of_them(shop, contract):
    rita = shop.browser("rita")
    page = text(rita.get(f"{BASE}/app/o/opportunity/{shop.deal}"))
    assert "Signed contracts" in page and f'href="/app/o/contract/{contract}"' in page
    link = re.search(r'href="(/app/o/contract\?filter=[^"]+)"', page).group(1).replace("&amp;", "&")
    listed = rita.get(BASE + link)
    assert listed.status_code == 200
    assert f'/app/o/contract/{contract}"' in text(listed)


def test_a_related_list_of_an_object_the_reader_may_not_read_is_left_out(shop):
    page = text(shop.browser("dora").get(f"{BASE}/app/o/opportunity/{shop.deal}"))
    assert "Signed contracts" not in page


def test_an_object_without_a_layout_keeps_its_single_details_section(shop):
    page = text(shop.browser("ada").get(f"{BASE}/app/o/probe/{shop.probe}"))
    assert page.count('class="panel layout-section"') == 1 and "data-layout" not in page


# -- the form ------------------------------------------------------------------------

def test_the_form_follows_the_layout_read_only_as_text_required_marked(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/{shop.deal}/edit"))
    stage = page[page.index('data-field="stage"'):][:400]
    assert 'class="readonly"' in stage and "<select" not in stage
    amount = page[page.index('data-field="amount"'):][:900]
    assert 'aria-required="true"' in amount
    assert 'data-visible-when="amount &gt; 5000"' in page and "layout_form.js" in page
    assert 'data-lookup="account"' in page
    assert "<legend>Deal</legend>" in page and 'fieldset class="layout-section layout-two"' in page


def test_the_new_record_form_evaluates_visible_when_on_the_defaults(shop):
    page = text(shop.browser("rita").get(f"{BASE}/app/o/opportunity/new"))
    assert 'data-field="discount" data-type="percent" data-visible-when="amount &gt; 5000" hidden' in page


# -- the designer ----------------------------------------------------------------------

def test_the_designer_lists_layouts_per_object_for_administrators(shop):
    page = text(shop.browser("ada").get(f"{BASE}/app/design/layouts"))
    assert 'href="/app/design/layouts/opportunity_rep"' in page and "Rep view" in page
    assert 'id="layout-create"' in page and 'id="nav-design-layouts"' in page


@pytest.mark.parametrize("path", ["/app/design/layouts", "/app/design/layouts/opportunity_rep"])
def test_the_designer_is_for_administrators_only(shop, path):
    assert shop.browser("rita").get(BASE + path).status_code == 403
    anonymous = shop.browser().get(BASE + path)
    assert anonymous.status_code == 302 and anonymous.location.startswith("/app/login")


def test_the_editor_shows_the_palette_the_sections_and_a_sample_record(shop):
    page = text(shop.browser("ada").get(f"{BASE}/app/design/layouts/opportunity_rep"))
    palette = page[page.index('id="palette"'):page.index('id="sections"')]
    assert field_order(palette) == ["products", "sales_rep"]
    sections = page[page.index('id="sections"'):page.index('id="related-heading"')]
    assert field_order(sections)[:3] == ["title", "amount", "stage"]
    assert 'class="opt-required" checked' in sections
    assert "data-sample='{" in page and "Acme Pumps" not in page  # the sample is the deal itself
    assert '"1,200.00"' in page or "1,200" in page


def test_an_unknown_layout_is_a_404_page(shop):
    assert shop.browser("ada").get(f"{BASE}/app/design/layouts/nothing").status_code == 404
