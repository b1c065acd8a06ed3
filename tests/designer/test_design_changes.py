"""The changes page of the designer through the test client, over the example CRM: pending drafts
with their diff, the plan in words (every step kind, both locales), the lossy confirmation,
discarding a draft, the published revisions; administrators only."""

import html
import re

import pytest

from tessera.i18n import render
from tessera.metadata.diff import document_diff
from tessera.metadata.plan import compute_plan
from tessera.metadata.plan_words import LOSS_KINDS, STEP_KINDS, Labels, loss_sentence, step_sentence
from tests.designer.conftest import BASE, SCRIPT
from tests.platform.support import assert_problem

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def text(response):
    return html.unescape(response.get_data(as_text=True))


def api(client, method, path, **kwargs):
    return client.open(BASE + path, method=method, headers={"X-CSRF-Token": client.csrf}, **kwargs)


def draft_of(client, name):
    return api(client, "GET", f"/api/v1/metadata/object/{name}").get_json()["body"]


def save(client, doc):
    response = api(client, "PUT", f"/api/v1/metadata/object/{doc['name']}", json=doc)
    assert response.status_code == 200, response.get_json()


def with_field(doc, field):
    return {**doc, "fields": [*doc["fields"], field]}


# -- who may open it ----------------------------------------------------------------------

def test_a_rep_gets_the_403_page_and_never_the_plan(shop):
    response = shop.browser("rita").get(f"{BASE}/app/design/changes")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "plan-steps" not in text(response)


def test_the_design_menu_offers_changes_to_administrators_only(shop):
    assert 'id="nav-design-changes"' in text(shop.browser("ada").get(f"{BASE}/app/"))
    assert 'id="nav-design-changes"' not in text(shop.browser("rita").get(f"{BASE}/app/"))


# -- drafts and their diff ----------------------------------------------------------------

def test_with_nothing_pending_the_page_says_so_and_lists_the_revisions(shop):
    page = text(shop.browser("ada").get(f"{BASE}/app/design/changes"))
    assert 'id="no-drafts"' in page and 'id="nothing-to-publish"' in page
    assert re.search(r"<td>1</td>\s*<td>admin</td>", page)
    assert "New object/opportunity" in page


def test_a_draft_is_listed_with_its_author_and_a_field_level_diff(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    doc["fields"][2] = {**doc["fields"][2], "scale": 3}
    save(ada, with_field(doc, {"name": "legacy_code", "type": "text", "label": {"en": "Legacy code"}}))
    page = text(ada.get(f"{BASE}/app/design/changes"))
    assert 'data-draft="object/opportunity"' in page and "changed by ada" in page
    assert re.search(r'Changed</td>\s*<td>Field “Amount” <code>scale</code></td>\s*'
                     r'<td><span class="diff-old">2</span></td>\s*<td><span class="diff-new">3</span>', page)
    assert re.search(r"Added</td>\s*<td>Field “Legacy code” </td>\s*<td><span class=\"diff-old\"></span></td>\s*"
                     r"<td><span class=\"diff-new\">label: \(en: Legacy code\); name: legacy_code; type: text</span>", page)


def test_labels_in_drafts_and_plans_are_shown_as_text(shop):
    ada = shop.browser("ada")
    save(ada, with_field(draft_of(ada, "probe"), {"name": "note", "type": "text", "label": {"en": SCRIPT}}))
    page = ada.get(f"{BASE}/app/design/changes").get_data(as_text=True)
    assert SCRIPT not in page and ESCAPED in page


# -- the plan in words --------------------------------------------------------------------

def test_the_plan_says_what_publishing_does_with_labels_in_the_readers_language(shop):
    ada = shop.browser("ada")
    save(ada, with_field(draft_of(ada, "opportunity"),
                         {"name": "discount_note", "type": "text", "label": {"en": "Discount note", "zh-CN": "折扣说明"}}))
    assert "Adds column “Discount note” to Opportunity" in text(ada.get(f"{BASE}/app/design/changes"))
    api(ada, "PATCH", "/api/v1/users/me", json={"locale": "zh-CN"})
    assert "为 商机 新增列“折扣说明”" in text(ada.get(f"{BASE}/app/design/changes"))


OLD = {("object", "order"): {"name": "order", "label": {"en": "Order", "zh-CN": "订单"}, "fields": [
    {"name": "code", "type": "text", "max_length": 40, "label": {"en": "Code", "zh-CN": "编号"}},
    {"name": "total", "type": "number", "precision": 18, "scale": 4},
    {"name": "legacy", "type": "text", "indexed": True},
    {"name": "stage", "type": "picklist", "options": ["a", "b"]},
    {"name": "kind", "type": "text"}]},
    ("object", "old_thing"): {"name": "old_thing", "fields": [{"name": "x", "type": "text"}]},
    ("object", "line"): {"name": "line", "fields": [{"name": "order", "type": "lookup", "target": "order"},
                                                    {"name": "qty", "type": "number"}]}}
NEW = {("object", "order"): {"name": "order", "label": {"en": "Order", "zh-CN": "订单"}, "fields": [
    {"name": "code", "type": "text", "max_length": 20, "unique": True, "label": {"en": "Code", "zh-CN": "编号"}},
    {"name": "total", "type": "number", "precision": 18, "scale": 2},
    {"name": "stage", "type": "picklist", "options": ["a"]},
    {"name": "kind", "type": "picklist", "options": ["x"]},
    {"name": "lines", "type": "rollup", "child": "line", "via": "order", "function": "COUNT"},
    {"name": "note", "type": "long_text"}]},
    ("object", "new_thing"): {"name": "new_thing", "fields": [{"name": "y", "type": "text"}]},
    ("object", "line"): OLD[("object", "line")]}


def every_step_kind():
    steps = compute_plan(OLD, NEW)
    assert {s["op"] for s in steps} == STEP_KINDS, "the example must make every step kind"
    return steps


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_every_step_kind_has_a_sentence_naming_its_labels_in_both_locales(locale):
    labels = Labels(NEW, OLD)
    for step in every_step_kind():
        sentence = render(step_sentence(step, labels), locale)
        assert not re.search(r"\{\w+\}", sentence) and not sentence.startswith("metadata."), (step["op"], sentence)
        object_label = {"en": "Order", "zh-CN": "订单"}[locale] if step["object"] == "order" else step["object"]
        assert object_label in sentence, (step["op"], sentence)
    code = next(s for s in every_step_kind() if s["op"] == "alter_column" and s["field"] == "code")
    assert render(step_sentence(code, labels), locale) == {
        "en": "Changes the length of “Code” on Order from 40 to 20 characters",
        "zh-CN": "将 订单 的“编号”长度从 40 个字符改为 20 个字符"}[locale]


def test_a_removed_field_is_named_by_its_last_label_and_a_plugins_step_still_reads():
    labels = Labels(NEW, {("object", "order"): {"name": "order", "fields": [{"name": "legacy", "type": "text",
                                                                             "label": {"en": "Legacy code"}}]}})
    dropped = {"op": "drop_column", "object": "order", "field": "legacy", "target": "order.legacy"}
    assert render(step_sentence(dropped, labels), "en") == "Removes column “Legacy code” from Order"
    other = {"op": "reindex_geo", "object": "order", "field": None, "target": "order"}
    assert render(step_sentence(other, labels), "zh-CN") == "对 order 执行“reindex_geo”"


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
@pytest.mark.parametrize("kind", sorted(LOSS_KINDS))
def test_every_data_loss_has_a_sentence_with_its_count(kind, locale):
    labels = Labels(NEW)
    step = {"op": "drop_column", "object": "order", "field": "code", "affected_records": 12430,
            "data_check": {"kind": kind, "length": 20}}
    sentence = render(loss_sentence(step, labels), locale)
    assert "12,430" in sentence and not re.search(r"\{\w+\}", sentence), sentence
    one = render(loss_sentence({**step, "affected_records": 1}, labels), locale)
    assert "1 " in one and "12,430" not in one and "records" not in one, one
    assert loss_sentence({**step, "affected_records": 0}, labels) is None


def test_the_example_sentence_of_the_issue():
    labels = Labels({("object", "opportunity"): {"name": "opportunity", "label": {"en": "Opportunity"},
                                                 "fields": [{"name": "legacy_code", "type": "text"}]}})
    step = {"op": "drop_column", "object": "opportunity", "field": "legacy_code", "affected_records": 12430,
            "data_check": {"kind": "non_null"}}
    assert render(loss_sentence(step, labels), "en") == "12,430 records lose their value of “legacy_code”"
    assert render(loss_sentence(step, labels), "zh-CN") == "12,430 条记录将丢失“legacy_code”的值"


# -- lossy steps need a confirmation ------------------------------------------------------

def test_a_lossy_plan_counts_the_loss_and_publish_is_refused_without_the_confirmation(shop):
    ada = shop.browser("ada")
    doc = draft_of(ada, "opportunity")
    save(ada, {**doc, "fields": [f for f in doc["fields"] if f["name"] != "amount"]})
    page = text(ada.get(f"{BASE}/app/design/changes"))
    assert "Removes column “Amount” from Opportunity" in page
    assert "1 record loses its value of “Amount”" in page
    assert 'id="confirm-loss"' in page and re.search(r'id="publish" disabled', page)
    assert_problem(api(ada, "POST", "/api/v1/metadata/publish", json={}), 409)
    assert "amount" in [f["name"] for f in api(ada, "GET", "/api/v1/metadata/object/opportunity?state=published")
                        .get_json()["body"]["fields"]]
    published = api(ada, "POST", "/api/v1/metadata/publish", json={"confirm_data_loss": True})
    assert published.status_code == 200, published.get_json()
    page = text(ada.get(f"{BASE}/app/design/changes?published=2"))
    assert "Published revision 2." in page and 'id="nothing-to-publish"' in page
    assert re.search(r"<td>2</td>\s*<td>ada</td>", page) and "Changed object/opportunity" in page


def test_a_plan_that_fails_its_checks_shows_why_and_offers_no_publish(shop):
    ada = shop.browser("ada")
    save(ada, {**draft_of(ada, "opportunity"), "title_field": "nowhere"})
    page = text(ada.get(f"{BASE}/app/design/changes"))
    assert 'id="plan-problem"' in page and "title_field" in page and 'id="publish"' not in page


# -- discarding a draft -------------------------------------------------------------------

def test_discarding_a_draft_brings_back_the_published_document_and_later_drafts_still_save(shop):
    ada = shop.browser("ada")
    published = draft_of(ada, "account")
    save(ada, with_field(published, {"name": "region_code", "type": "text"}))
    assert api(ada, "DELETE", "/api/v1/metadata/object/account/draft").status_code == 200
    assert draft_of(ada, "account") == published
    assert 'id="no-drafts"' in text(ada.get(f"{BASE}/app/design/changes"))
    save(ada, with_field(published, {"name": "region_code", "type": "text"}))
    assert 'data-draft="object/account"' in text(ada.get(f"{BASE}/app/design/changes"))


def test_discarding_a_new_document_leaves_nothing_to_publish(shop):
    ada = shop.browser("ada")
    created = api(ada, "POST", "/api/v1/metadata/object", json={"name": "gadget", "fields": [{"name": "n", "type": "text"}]})
    assert created.status_code == 201
    assert api(ada, "DELETE", "/api/v1/metadata/object/gadget/draft").status_code == 200
    assert 'id="nothing-to-publish"' in text(ada.get(f"{BASE}/app/design/changes"))


def test_discard_is_for_administrators_and_known_documents(shop):
    assert_problem(api(shop.browser("ada"), "DELETE", "/api/v1/metadata/object/nothing_here/draft"), 404)
    assert_problem(api(shop.browser("rita"), "DELETE", "/api/v1/metadata/object/account/draft"), 403)


# -- the diff -----------------------------------------------------------------------------

def test_the_diff_compares_fields_by_name_and_says_when_they_moved():
    old = {"name": "o", "fields": [{"name": "a", "type": "text"}, {"name": "b", "type": "number", "scale": 2}]}
    new = {"name": "o", "label": {"en": "O"}, "fields": [{"name": "b", "type": "number", "scale": 4},
                                                         {"name": "a", "type": "text"}, {"name": "c", "type": "date"}]}
    found = [(c.what, c.path, c.old, c.new) for c in document_diff(old, new)]
    assert found == [("changed", "fields.b.scale", 2, 4), ("added", "fields.c", None, {"name": "c", "type": "date"}),
                     ("moved", "fields", ["a", "b"], ["b", "a"]), ("added", "label", None, {"en": "O"})]
    assert document_diff(old, old) == [] and document_diff(None, new)[0].what == "added"
