"""The formula editor in a real browser, on the formula workbench: a typo is underlined at the
column the API names, completion is driven by the keyboard (a field, a function, a field across
a lookup), the fixed formula shows its type and is tried on a record; a formula textarea added
to the page later is enhanced too; axe finds no serious violation.

One live server for the module (the example CRM, with ada the administrator and rita's deals).
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import choose_locale, log_in, snap
from tests.browser.test_accessibility import serious_violations

WORKBENCH = "/app/design/formula?object=opportunity"
TYPO = "ROUND(amout * 2, 0)"
FIXED = "ROUND(amount * 2, 0) + COALESCE(LEN(account.name), LEN(title))"


def _diagnostic(rep, expression):
    checked = rep.post("/api/v1/formula/check", json={"object": "opportunity", "expression": expression})
    assert checked.status_code == 400
    return checked.get_json()["diagnostics"][0]


def _deal(rep, title):
    found = rep.get("/api/v1/objects/opportunity/records", query_string={"filter": f'title = "{title}"'})
    return found.get_json()["items"][0]["id"]


def _editor(page):
    """The workbench's formula textarea, once the editor has enhanced it."""
    editor = page.locator(".formula-editor #workbench-formula")
    expect(editor).to_be_attached()
    return editor


def _choose(page, name, typed, key="Enter"):
    """Wait for the suggestions of ``typed`` (none left from a shorter word), move to ``name`` with
    the arrow keys and accept it with ``key``."""
    options = page.locator(".formula-completion [role=option]")
    labels = options.locator(".formula-option-name")
    expect(labels.filter(has_text=re.compile(f"^{name}$"))).to_have_count(1)
    expect(labels.filter(has_not_text=re.compile(f"^{typed}", re.IGNORECASE))).to_have_count(0)
    names = labels.all_inner_texts()
    for _ in range(names.index(name)):
        page.keyboard.press("ArrowDown")
    expect(page.locator(".formula-completion [aria-selected=true] .formula-option-name")).to_have_text(name)
    page.keyboard.press(key)
    expect(page.locator(".formula-completion")).to_be_hidden()


def test_a_typo_is_underlined_where_the_api_says_then_fixed_with_completion_and_tried(page, site):
    base, _, rep = site
    log_in(page, base, "ada", WORKBENCH)
    editor = _editor(page)
    editor.click()
    page.keyboard.type(TYPO)
    mark = page.locator(".formula-error-mark")
    expect(mark).to_be_visible()
    diagnostic = _diagnostic(rep, TYPO)
    assert mark.inner_text() == diagnostic["token"] == "amout"
    assert mark.get_attribute("data-column") == str(diagnostic["column"]) == "7"
    expect(page.locator(".formula-status")).to_contain_text("Line 1, column 7")
    expect(editor).to_have_attribute("aria-invalid", "true")
    box, area = mark.bounding_box(), editor.bounding_box()
    padding = float(editor.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)")) + 1  # and the 1px border
    char = box["width"] / len("amout")
    assert abs(box["x"] - area["x"] - padding - (diagnostic["column"] - 1) * char) < 1.5
    snap(page, "formula-typo-underlined", full_page=False)

    page.keyboard.press("Control+A")
    page.keyboard.type("ROUND(am")
    snap(page, "formula-completion", full_page=False)
    _choose(page, "amount", "am")
    page.keyboard.type(" * 2, 0) + COALESCE(LE")
    _choose(page, "LEN", "LE", key="Tab")
    page.keyboard.type("account.")
    expect(page.locator(".formula-completion [role=option]").first).to_be_visible()
    snap(page, "formula-completion-lookup", full_page=False)
    page.keyboard.type("na")
    _choose(page, "name", "na")
    page.keyboard.type("), LEN(title))")
    expect(editor).to_have_value(FIXED)
    expect(page.locator(".formula-status")).to_have_text(re.compile(r"^Valid\. Result: "))
    expect(mark).to_have_count(0)
    assert editor.get_attribute("aria-invalid") is None

    deal = _deal(rep, "Deal 01")
    page.fill(".formula-try-record", str(deal))
    page.click(".formula-try-button")
    tried = rep.post("/api/v1/formula/evaluate", json={"object": "opportunity", "expression": FIXED, "record_id": deal})
    expect(page.locator(".formula-try-result")).to_have_text(f"Value: {tried.get_json()['value']}")
    snap(page, "formula-tried", full_page=False)
    snap(page, "formula-workbench")


def test_formula_textareas_added_later_are_enhanced_and_keep_their_name_and_value(page, site):
    base, _, _ = site
    log_in(page, base, "ada", WORKBENCH)
    page.evaluate("""() => {
        const area = Object.assign(document.createElement("textarea"), {id: "late", name: "criteria", value: "stage = "});
        area.dataset.formula = "";
        area.dataset.formulaObject = "opportunity";
        area.dataset.formulaType = "boolean";
        const measure = Object.assign(document.createElement("textarea"), {id: "measure", name: "measure", value: "SUM(amount)"});
        measure.dataset.formula = "";
        measure.dataset.formulaObject = "opportunity";
        const label = Object.assign(document.createElement("label"), {id: "wrapping", textContent: "Criteria "});
        const wrapped = Object.assign(document.createElement("textarea"), {id: "wrapped", value: "amount >"});
        wrapped.dataset.formula = "";
        wrapped.dataset.formulaObject = "opportunity";
        label.append(wrapped);
        document.querySelector("main").append(area, measure, label);
    }""")
    expect(page.locator(".formula-label-keeper > #wrapping + .formula-outside .formula-status")).to_contain_text("Line 1, column")
    expect(page.locator("#wrapping .formula-try, #wrapping .formula-status, #wrapping [role=listbox]")).to_have_count(0)
    expect(page.locator("#wrapping .formula-editor #wrapped")).to_be_attached()
    measure = page.locator(".formula-editor", has=page.locator("#measure"))
    expect(measure.locator(".formula-status")).to_have_text("Valid. Result: currency")  # a measure is an aggregate
    expect(measure.locator(".formula-try")).to_be_hidden()  # with no value for one record to try
    late = page.locator(".formula-editor", has=page.locator("#late"))
    expect(late.locator(".formula-status")).to_contain_text("Line 1, column")
    expect(late.locator(".formula-error-mark")).to_have_count(1)
    assert page.locator("#late").get_attribute("name") == "criteria"
    expect(page.locator("#late")).to_have_value("stage = ")


def test_a_picklists_values_complete_inside_the_text_it_is_compared_with(page, site):
    base, _, _ = site
    log_in(page, base, "ada", WORKBENCH + "&returns=boolean")
    _editor(page).click()
    page.keyboard.type('stage = "W')
    _choose(page, "Won", "W")
    page.keyboard.type(' || ISPICKVAL(stage, "L')
    _choose(page, "Lost", "L", key="Tab")
    page.keyboard.type(")")
    expect(page.locator("#workbench-formula")).to_have_value('stage = "Won" || ISPICKVAL(stage, "Lost")')
    expect(page.locator(".formula-status")).to_have_text("Valid. Result: boolean")


def test_columns_count_characters_as_the_checker_does_whatever_the_script(page, site):
    base, _, rep = site
    log_in(page, base, "ada", WORKBENCH)
    _editor(page).click()
    formula = '"😀 商机" & amout'  # an emoji is one character for the checker, two UTF-16 units in the page
    page.keyboard.type(formula)
    expect(page.locator(".formula-error-mark")).to_have_text("amout")
    assert page.locator(".formula-error-mark").get_attribute("data-column") == str(_diagnostic(rep, formula)["column"])


def test_the_workbench_has_no_serious_accessibility_violation_with_an_error_and_suggestions(page, site):
    base, _, _ = site
    log_in(page, base, "ada", WORKBENCH)
    _editor(page).click()
    page.keyboard.type("amout + ti")
    expect(page.locator(".formula-completion [role=option]").first).to_be_visible()
    expect(page.locator(".formula-error-mark")).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    snap(page, "formula-workbench-phone", full_page=False)
    assert serious_violations(page) == []


def test_the_editor_speaks_chinese_to_a_chinese_reader(page, site):
    base, _, _ = site
    log_in(page, base, "ada", WORKBENCH)
    choose_locale(page, "zh-CN")
    try:
        _editor(page).click()
        page.keyboard.type(TYPO)
        expect(page.locator(".formula-status")).to_contain_text("第 1 行第 7 列：未知字段")
        page.keyboard.press("Control+A")
        page.keyboard.type("amount > 0")
        expect(page.locator(".formula-status")).to_have_text("有效。结果：布尔值")
        assert page.locator(".formula-try-button").inner_text() == "在记录上试算"
        snap(page, "formula-workbench-zh", full_page=False)
    finally:
        choose_locale(page, "en")
