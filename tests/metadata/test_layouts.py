"""The ``layout`` kind: its shape when saved, its references when published."""

import pytest

from tessera.metadata import InvalidDocument, PublishRefused
from tessera.metadata.crosscheck import cross_check
from tessera.metadata.documents import validate_document

DEAL = {"kind": "object", "name": "deal", "fields": [
    {"name": "title", "type": "text"}, {"name": "amount", "type": "currency"},
    {"name": "stage", "type": "picklist", "options": ["new", "won"]}]}
LINE = {"kind": "object", "name": "line", "fields": [
    {"name": "product", "type": "text"}, {"name": "deal", "type": "lookup", "target": "deal"},
    {"name": "note", "type": "text"}]}
REP = {"kind": "permission_set", "name": "rep"}


def layout(*fields, name="deal_main", **extra):
    return {"kind": "layout", "name": name, "object": "deal",
            "sections": [{"label": {"en": "Deal"}, "columns": 2, "fields": list(fields)}], **extra}


def save_errors(doc):
    with pytest.raises(InvalidDocument) as caught:
        validate_document("layout", doc["name"], doc)
    return caught.value.errors


def publish_errors(*docs):
    documents = {(d["kind"], d["name"]): d for d in (DEAL, LINE, REP, *docs)}
    with pytest.raises(PublishRefused) as caught:
        cross_check(documents)
    return caught.value.errors


def publishes(*docs):
    cross_check({(d["kind"], d["name"]): d for d in (DEAL, LINE, REP, *docs)})


# -- saving a draft ----------------------------------------------------------------

def test_a_well_formed_layout_is_accepted_unchanged():
    doc = layout({"field": "title", "required": True}, {"field": "amount", "read_only": True,
                                                          "visible_when": "stage = \"won\""},
                 label={"en": "Main", "zh-CN": "主布局"}, default=True,
                 assigned_to={"roles": ["Sales Rep"], "permission_sets": ["rep"]},
                 related_lists=[{"object": "line", "via": "deal", "columns": ["product"]}])
    assert validate_document("layout", "deal_main", doc) == doc


def test_a_field_placed_twice_is_refused_at_its_second_place():
    errors = save_errors(layout({"field": "title"}, {"field": "title"}))
    assert list(errors) == ["sections[0].fields[1].field"]


@pytest.mark.parametrize("change, path", [
    ({"sections": [{"columns": 3, "fields": []}]}, "sections[0].columns"),
    ({"sections": []}, "sections"),
    ({"sections": [{"fields": [{"field": "title", "hidden": True}]}]}, "sections[0].fields[0]"),
    ({"related_lists": [{"object": "line"}]}, "related_lists[0]"),
])
def test_a_malformed_layout_is_refused_at_its_path(change, path):
    assert path in save_errors({**layout(), **change})


# -- publishing ------------------------------------------------------------------

def test_a_layout_whose_references_resolve_publishes():
    publishes(layout({"field": "title"}, {"field": "amount", "visible_when": "stage = \"won\""},
                     related_lists=[{"object": "line", "via": "deal", "columns": ["product", "note"]}],
                     assigned_to={"permission_sets": ["rep"]}))


def test_a_layout_of_a_missing_object_is_refused():
    errors = publish_errors({**layout(), "object": "nothing"})
    assert "layout/deal_main:object" in errors


def test_a_field_the_object_lacks_is_refused():
    errors = publish_errors(layout({"field": "title"}, {"field": "colour"}))
    assert list(errors) == ["layout/deal_main:sections[0].fields[1].field"]


@pytest.mark.parametrize("formula", ["amount", "colour = 1", "stage = "])
def test_visible_when_must_be_a_boolean_formula_on_the_object(formula):
    errors = publish_errors(layout({"field": "title", "visible_when": formula}))
    assert list(errors) == ["layout/deal_main:sections[0].fields[0].visible_when"]


@pytest.mark.parametrize("related, path", [
    ({"object": "nothing", "via": "deal"}, "related_lists[0].object"),
    ({"object": "line", "via": "note"}, "related_lists[0].via"),
    ({"object": "deal", "via": "title"}, "related_lists[0].via"),
    ({"object": "line", "via": "deal", "columns": ["product", "colour"]}, "related_lists[0].columns"),
])
def test_a_related_list_needs_a_child_with_a_lookup_to_the_object_and_existing_columns(related, path):
    errors = publish_errors(layout({"field": "title"}, related_lists=[related]))
    assert list(errors) == [f"layout/deal_main:{path}"]


def test_an_assigned_permission_set_must_exist():
    errors = publish_errors(layout({"field": "title"}, assigned_to={"permission_sets": ["ghost"]}))
    assert list(errors) == ["layout/deal_main:assigned_to.permission_sets"]


def test_an_object_has_at_most_one_default_layout():
    errors = publish_errors(layout(default=True), layout(name="deal_other", default=True))
    assert list(errors) == ["layout/deal_other:default"]
    publishes(layout(default=True), layout(name="deal_other", default=False))
