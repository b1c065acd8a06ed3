"""The list_view kind: a shared view's object, columns, sort, filter and default are checked."""

import json

import pytest

from tessera.metadata import InvalidDocument, PublishRefused
from tessera.metadata.crosscheck import cross_check
from tessera.metadata.documents import validate_document
from tessera.platform.demo import EXAMPLE


@pytest.fixture(scope="module")
def crm():
    docs = [json.loads(p.read_text("utf-8")) for p in sorted((EXAMPLE / "metadata").glob("*.json"))]
    return {(d["kind"], d["name"]): d for d in docs}


def view(name="open_deals", **extra):
    return {"kind": "list_view", "name": name, "object": "opportunity", "label": {"en": "Open deals", "zh-CN": "进行中"},
            "columns": ["title", "amount", "stage"], **extra}


def refusals(documents, *views):
    candidate = {**documents, **{("list_view", v["name"]): v for v in views}}
    with pytest.raises(PublishRefused) as caught:
        cross_check(candidate)
    return {path: [str(m) for m in messages] for path, messages in caught.value.errors.items()}


def test_a_view_with_columns_filter_sort_and_default_passes(crm):
    doc = view(filter='stage <> "Lost"', sort=[{"field": "amount", "direction": "desc"}, {"field": "created_at"}],
               default=True)
    assert validate_document("list_view", "open_deals", doc) == doc
    cross_check({**crm, ("list_view", "open_deals"): doc})


@pytest.mark.parametrize("broken, path", [
    ({"columns": []}, "columns"),
    ({"sort": [{"field": "amount", "direction": "up"}]}, "sort[0].direction"),
    ({"colour": "red"}, "$"),
])
def test_the_schema_refuses_malformed_views(broken, path):
    with pytest.raises(InvalidDocument) as caught:
        validate_document("list_view", "open_deals", {**view(), **broken})
    assert path in caught.value.errors


def test_a_field_sorted_twice_is_refused():
    with pytest.raises(InvalidDocument) as caught:
        validate_document("list_view", "open_deals", view(sort=[{"field": "amount"}, {"field": "amount"}]))
    assert "sort[1].field" in caught.value.errors


def test_an_unknown_object_is_refused(crm):
    errors = refusals(crm, view(object="nothing"))
    assert list(errors) == ["list_view/open_deals:object"]


def test_unknown_columns_and_sort_fields_are_named(crm):
    errors = refusals(crm, view(columns=["title", "colour"], sort=[{"field": "size"}]))
    assert set(errors) == {"list_view/open_deals:columns[1]", "list_view/open_deals:sort[0].field"}


@pytest.mark.parametrize("formula", ["amount + 1", "stage = ", "nothing > 1"])
def test_a_filter_must_type_check_as_a_boolean_on_the_object(crm, formula):
    errors = refusals(crm, view(filter=formula))
    assert list(errors) == ["list_view/open_deals:filter"]


def test_an_object_has_at_most_one_default_view(crm):
    errors = refusals(crm, view(default=True), view("big_deals", default=True), view("other", default=False))
    assert set(errors) == {"list_view/open_deals:default", "list_view/big_deals:default"}
    cross_check({**crm, ("list_view", "a"): view("a", default=True),
                 ("list_view", "b"): {**view("b", default=True), "object": "account", "columns": ["name"]}})

