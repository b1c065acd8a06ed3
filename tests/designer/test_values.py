"""How values read on a page: numbers, per cents, picklist labels, yes/no, and form inputs."""

import pytest

from tessera.designer.fields import field_view, list_columns
from tessera.designer.kpi_view import when
from tessera.designer.values import input_value, show

STAGE = {"type": "picklist", "options": [{"value": "Won", "label": {"en": "Won", "zh-CN": "赢单"}}, "Lost"]}


@pytest.mark.parametrize("doc, value, shown", [
    ({"type": "currency"}, "1234567.50", "1,234,567.50"),
    ({"type": "number"}, "0.125", "0.125"),
    ({"type": "percent"}, "0.125", "12.50 %"),
    ({"type": "boolean"}, True, "Yes"),
    ({"type": "boolean"}, False, "No"),
    ({"type": "datetime"}, "2026-03-01T08:15:00Z", "2026-03-01 08:15 UTC"),
    ({"type": "multi_picklist", "options": ["Pumps", "Valves"]}, ["Pumps", "Valves"], "Pumps, Valves"),
    (STAGE, "Won", "Won"),
    (STAGE, "Lost", "Lost"),
    ({"type": "text"}, None, ""),
])
def test_a_value_is_shown_as_a_person_reads_it(doc, value, shown):
    assert show(field_view("f", doc, "en"), value, "en") == shown


@pytest.mark.parametrize("doc, value, shown", [
    ({"type": "formula", "returns": "number"}, "4500.0000000000", "4,500"),
    ({"type": "formula", "returns": "number"}, "0.1250000000", "0.125"),
    ({"type": "formula", "returns": "number", "scale": 2}, "4500.0000000000", "4,500.00"),
    ({"type": "formula", "returns": "currency"}, "4500.0000000000", "4,500.00"),
    ({"type": "formula", "returns": "percent"}, "0.1250000000", "12.50 %"),
    ({"type": "formula", "returns": "boolean"}, True, "Yes"),
    ({"type": "formula", "returns": "text"}, "4500.00", "4500.00"),
])
def test_a_formulas_value_is_shown_as_a_value_of_the_type_it_returns(doc, value, shown):
    view = field_view("f", doc, "en")
    assert show(view, value, "en") == shown
    assert view.numeric == (doc["returns"] in ("number", "currency", "percent"))


def test_picklist_labels_and_yes_no_follow_the_locale():
    assert show(field_view("stage", STAGE, "zh-CN"), "Won", "zh-CN") == "赢单"
    assert show(field_view("active", {"type": "boolean"}, "zh-CN"), True, "zh-CN") == "是"


@pytest.mark.parametrize("doc, value, typed", [
    ({"type": "percent"}, "0.1250", "12.5"),
    ({"type": "percent"}, "1", "100"),
    ({"type": "datetime"}, "2026-03-01T08:15:00Z", "2026-03-01T08:15"),
    ({"type": "multi_picklist", "options": ["A"]}, None, []),
    ({"type": "currency"}, None, ""),
])
def test_a_form_input_holds_the_value_as_a_person_types_it(doc, value, typed):
    assert input_value(field_view("f", doc, "en"), value) == typed


def test_a_label_falls_back_to_english_then_to_the_field_name():
    assert field_view("f", {"type": "text", "label": {"en": "Title"}}, "zh-CN").label == "Title"
    assert field_view("f", {"type": "text"}, "zh-CN").label == "f"


class _Obj:
    name = "deal"
    doc = {"title_field": "title"}
    fields = {n: {"type": t} for n, t in [("notes", "long_text"), ("amount", "currency"), ("title", "text"),
                                          ("tags", "multi_picklist"), ("a", "text"), ("b", "date"), ("c", "text"),
                                          ("d", "text"), ("e", "text")]}


def test_a_list_shows_the_title_first_then_readable_fields_that_fit_a_cell():
    names = [v.name for v in list_columns(_Obj, list(_Obj.fields), "en")]
    assert names == ["title", "amount", "a", "b", "c", "d"]
    assert [v.name for v in list_columns(_Obj, ["amount", "e"], "en")] == ["amount", "e"]


@pytest.mark.parametrize("date, shown", [
    ("2026-11-30", "2026-11-30"),
    ("2026-12-06T17:00:50.841651", "2026-12-06 17:00 UTC"),
])
def test_the_explanation_dates_a_record_by_its_day_or_its_moment_to_the_minute(date, shown):
    assert when(date) == shown


COLOURED = {"type": "picklist", "options": [{"value": "Won", "label": {"en": "Won", "zh-CN": "赢单"}, "color": "green"},
                                            "Lost"]}


def test_a_coloured_picklist_value_is_a_badge_in_its_colour_and_label():
    view = field_view("stage", COLOURED, "zh-CN")
    assert view.badges("Won") == [("赢单", "green")]
    assert view.badges("Lost") == [("Lost", "none")]  # an option without a colour: a plain badge
    assert view.badges(None) == []


def test_a_picklist_without_colours_has_no_badges_and_a_multi_picklist_one_per_value():
    assert field_view("stage", STAGE, "en").badges("Won") == []
    products = {"type": "multi_picklist", "options": [{"value": "Pumps", "color": "blue"}, "Valves"]}
    assert field_view("products", products, "en").badges(["Pumps", "Valves"]) == [("Pumps", "blue"), ("Valves", "none")]
