"""The objects-and-fields designer through the test client, over the example CRM: the objects with
their state, an object's fields and rules, the field editor's type picker driven by the field
type registry; administrators only. Saving is the metadata API's (the pages' scripts PUT the
object document), so the specifications here save through the API as the scripts do."""

import html
import re

from tests.designer.conftest import BASE, SCRIPT

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def text(response):
    return response.get_data(as_text=True)


def page(client, path, status=200):
    response = client.get(BASE + path)
    assert response.status_code == status, (path, response.status_code)
    return text(response)


def api(client, method, path, **kwargs):
    return client.open(BASE + path, method=method, headers={"X-CSRF-Token": client.csrf}, **kwargs)


def draft_of(client, name):
    return api(client, "GET", f"/api/v1/metadata/object/{name}").get_json()["body"]


def save(client, doc):
    response = api(client, "PUT", f"/api/v1/metadata/object/{doc['name']}", json=doc)
    assert response.status_code == 200, response.get_json()


# -- who may open it ----------------------------------------------------------------------

def test_a_rep_gets_the_403_page_on_every_designer_page_of_objects(shop):
    rita = shop.browser("rita")
    for path in ("/app/design/objects", "/app/design/objects/opportunity",
                 "/app/design/objects/opportunity/fields/new", "/app/design/objects/opportunity/fields/title"):
        response = rita.get(BASE + path)
        assert response.status_code == 403 and response.mimetype == "text/html", path
        assert "design-fields" not in text(response)


def test_an_anonymous_visitor_is_sent_to_the_login_page(shop):
    response = shop.browser().get(f"{BASE}/app/design/objects")
    assert response.status_code == 302 and "/app/login?next=/app/design/objects" in response.headers["Location"]


def test_the_design_menu_offers_objects_to_administrators(shop):
    assert 'id="nav-design-objects"' in page(shop.browser("ada"), "/app/")


# -- the objects --------------------------------------------------------------------------

def test_the_objects_are_listed_with_their_state(shop):
    ada = shop.browser("ada")
    opportunity = draft_of(ada, "opportunity")
    save(ada, {**opportunity, "label": {"en": "Deal", "zh-CN": "商机"}})
    assert api(ada, "POST", "/api/v1/metadata/object", json={"name": "gadget", "label": {"en": "Gadget"},
                                                             "fields": [{"name": "n", "type": "text"}]}).status_code == 201
    assert api(ada, "DELETE", "/api/v1/metadata/object/contract").status_code == 200
    listed = page(ada, "/app/design/objects")
    rows = dict(re.findall(r'<tr data-object="(\w+)">.*?class="state state-(\w+)"', listed, re.DOTALL))
    assert rows == {"account": "published", "opportunity": "changed", "gadget": "new", "contract": "deleted",
                    "probe": "published"}
    assert 'href="/app/design/objects/gadget"' in listed and 'href="/app/design/objects/contract"' not in listed
    assert "Probe " + ESCAPED in listed and SCRIPT not in listed


def test_the_new_object_form_posts_a_draft_with_a_title_field_labelled_in_both_locales(shop):
    listed = page(shop.browser("ada"), "/app/design/objects")
    form = re.search(r'<form id="new-object".*?>', listed, re.DOTALL).group(0)
    assert 'data-api="/api/v1/metadata/object"' in form
    assert html.unescape(re.search(r"data-title-label='([^']*)'", form).group(1)) == '{"en": "Name", "zh-CN": "名称"}'
    for name in ("name", "title_field", "label_en", "label_zh", "plural_en", "plural_zh"):
        assert f'name="{name}"' in listed


# -- one object ---------------------------------------------------------------------------

def test_an_object_shows_its_fields_in_order_with_type_flags_and_state(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    doc["fields"] = [doc["fields"][1], doc["fields"][0], *doc["fields"][2:],
                     {"name": "score", "type": "formula", "returns": "number", "expression": "1"}]
    save(ada, doc)
    shown = page(ada, "/app/design/objects/opportunity")
    order = re.findall(r'<tr data-field="(\w+)">', shown)
    assert order == [f["name"] for f in doc["fields"]]
    title_row = re.search(r'<tr data-field="title">.*?</tr>', shown, re.DOTALL).group(0)
    assert ">Text<" in title_row and ">Required<" in title_row and "state-published" in title_row
    assert "remove-field" not in title_row  # the title field cannot be removed here
    score_row = re.search(r'<tr data-field="score">.*?</tr>', shown, re.DOTALL).group(0)
    assert "Formula → Number" in score_row and "state-new" in score_row
    assert 'data-move="-1" data-field="account" disabled' in shown and 'data-move="1" data-field="score" disabled' in shown


def test_removing_a_published_field_says_the_data_consequence(shop):
    shown = html.unescape(page(shop.browser("ada"), "/app/design/objects/opportunity"))
    assert "every record loses its value of Amount" in shown
    assert "Fields have no retired state" in shown


def test_validation_rules_are_edited_with_a_boolean_formula_and_messages_in_both_locales(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    save(ada, {**doc, "validation_rules": [{"name": "cap", "error_when": "discount > 0.3", "field": "discount",
                                            "message": {"en": "Too much", "zh-CN": "太多"}}]})
    shown = page(ada, "/app/design/objects/opportunity")
    assert re.search(r'<textarea id="rule-0-when" name="error_when" rows="2" class="formula" data-formula '
                     r'data-formula-object="opportunity" data-formula-type="boolean">discount &gt; 0.3</textarea>', shown)
    assert 'value="Too much"' in shown and 'value="太多"' in shown
    assert 'id="rule-1-when"' in shown  # the empty form adding one more
    assert 'src="/app/static/formula_editor.js"' in shown


def test_an_unknown_object_or_field_is_a_404_page(shop):
    ada = shop.browser("ada")
    page(ada, "/app/design/objects/nothing_here", 404)
    page(ada, "/app/design/objects/opportunity/fields/nothing_here", 404)


# -- the field editor and its type picker -------------------------------------------------

def test_the_type_picker_offers_every_type_of_the_registry_with_its_options(shop):
    shown = page(shop.browser("ada"), "/app/design/objects/opportunity/fields/new")
    registry = shop.app.extensions["tessera"].field_types
    offered = re.findall(r'<input type="radio" name="type" value="(\w+)"', shown)
    assert sorted(offered) == sorted(registry) and "cn_credit_code" in offered
    for name in registry:
        panel = re.search(rf'data-type-panel="{name}".*?</fieldset>', shown, re.DOTALL).group(0)
        for prop in registry[name].properties:
            assert f'data-prop="{prop}"' in panel, (name, prop)
    rollup = re.search(r'data-type-panel="rollup".*?</fieldset>', shown, re.DOTALL).group(0)
    assert re.search(r'<option value="SUM"', rollup) and 'data-prop="filter" data-widget="formula" data-formula' in rollup
    assert 'data-prop="child" data-widget="object"' in rollup and '<option value="account">' in rollup
    formula = re.search(r'data-type-panel="formula".*?</fieldset>', shown, re.DOTALL).group(0)
    assert '<option value="currency">Currency</option>' in formula


def test_a_picklist_shows_its_values_with_labels_and_colours(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    stage = next(f for f in doc["fields"] if f["name"] == "stage")
    stage["options"] = [{"value": "Won", "label": {"en": "Won", "zh-CN": "赢单"}, "color": "green"}, "Lost"]
    stage.pop("default", None)
    save(ada, doc)
    shown = page(ada, "/app/design/objects/opportunity/fields/stage")
    panel = re.search(r'data-type-panel="picklist".*?</fieldset>', shown, re.DOTALL).group(0)
    assert 'value="Won"' in panel and 'value="赢单"' in panel and 'value="Lost"' in panel
    assert '<option value="green" selected>Green</option>' in panel
    assert re.search(r'<input type="radio" name="type" value="picklist" checked>', shown)
    assert 'readonly' in re.search(r'<input id="field-name".*?>', shown).group(0)  # a published field keeps its name


def test_a_colour_outside_the_palette_is_refused_naming_the_option(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    stage = next(f for f in doc["fields"] if f["name"] == "stage")
    index = doc["fields"].index(stage)
    stage["options"] = [{"value": "Won", "color": "chartreuse"}]
    stage.pop("default", None)
    response = api(ada, "PUT", "/api/v1/metadata/object/opportunity", json=doc)
    assert response.status_code == 422
    assert any(path.startswith(f"fields[{index}].options[0]") for path in response.get_json()["errors"])


def test_a_formula_field_edits_its_expression_in_a_formula_input_of_its_return_type(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    save(ada, {**doc, "fields": [*doc["fields"], {"name": "net", "type": "formula", "returns": "currency",
                                                   "expression": "amount - margin"}]})
    shown = page(ada, "/app/design/objects/opportunity/fields/net")
    assert re.search(r'<textarea id="p-formula-expression" class="formula" rows="3" data-prop="expression" '
                     r'data-widget="formula" data-formula\s+data-formula-object="opportunity"\s+'
                     r'data-formula-type="currency">amount - margin</textarea>', shown)
    assert '<option value="currency" selected>' in shown
    assert 'src="/app/static/formula_editor.js"' in shown and "<script>" not in shown


def test_the_field_editor_speaks_chinese_to_a_chinese_reader(shop):
    ada = shop.browser("ada")
    api(ada, "PATCH", "/api/v1/users/me", json={"locale": "zh-CN"})
    shown = page(ada, "/app/design/objects/opportunity/fields/new")
    assert "选项列表" in shown and "汇总" in shown and "小数位数" in shown
