"""Single-document validation: JSON Schema, naming rules and per-type field rules."""

import pytest

from tessera.metadata import InvalidDocument, UnknownKind
from tessera.metadata.documents import validate_document


def obj(*fields, name="deal", **extra):
    return {"kind": "object", "name": name, "fields": list(fields), **extra}


def errors_of(doc, name=None):
    with pytest.raises(InvalidDocument) as caught:
        validate_document("object", name or doc.get("name", "deal"), doc)
    assert caught.value.code == "invalid_document"
    return caught.value.errors


def test_a_well_formed_object_is_accepted_unchanged():
    doc = obj(
        {"name": "title", "type": "text", "required": True, "max_length": 200},
        {"name": "amount", "type": "currency", "precision": 18, "scale": 2, "min": 0},
        {"name": "stage", "type": "picklist", "options": ["Open", {"value": "Won", "label": {"en": "Won", "zh-CN": "赢单"}}]},
        {"name": "account", "type": "lookup", "target": "account", "on_delete": "set_null"},
        {"name": "number", "type": "auto_number", "format": "D-{YYYY}-{0000}"},
        label={"en": "Deal", "zh-CN": "交易"},
        indexes=[{"fields": ["stage"], "unique": False}],
    )
    assert validate_document("object", "deal", doc) == doc


@pytest.mark.parametrize("name", [
    "a", "account", "a1", "sales_order_line", "x" * 63,
])
def test_names_of_lower_case_letters_digits_and_underscores_are_accepted(name):
    validate_document("object", name, obj({"name": name, "type": "text"}, name=name))


@pytest.mark.parametrize("name", [
    "", "1account", "_account", "Account", "sales-order", "sales order", "DROP TABLE x",
    "x" * 64, "café", "a;b", "a\"b",
])
def test_object_names_outside_the_identifier_pattern_are_refused(name):
    errors = errors_of(obj({"name": "title", "type": "text"}, name=name), name=name)
    assert "name" in errors


@pytest.mark.parametrize("name", ["select", "table", "from", "order", "user", "limit", "sort", "cursor", "fields"])
def test_reserved_words_cannot_name_an_object(name):
    errors = errors_of(obj({"name": "title", "type": "text"}, name=name), name=name)
    assert any("reserved" in m for m in errors["name"])


@pytest.mark.parametrize("name", ["id", "version", "owner", "owner_id", "created_at", "created_by", "updated_at", "updated_by"])
def test_system_column_names_cannot_name_a_field(name):
    errors = errors_of(obj({"name": "title", "type": "text"}, {"name": name, "type": "text"}))
    assert list(errors) == ["fields[1].name"]
    assert "system column" in errors["fields[1].name"][0]


@pytest.mark.parametrize("name", ["select", "DROP TABLE x", "Title", "1st", "x" * 64, "where", "null"])
def test_reserved_or_malformed_field_names_are_refused_with_their_path(name):
    errors = errors_of(obj({"name": "title", "type": "text"}, {"name": name, "type": "text"}))
    assert list(errors) == ["fields[1].name"]


def test_document_name_must_match_its_address():
    errors = errors_of(obj({"name": "title", "type": "text"}, name="deal"), name="other")
    assert "name" in errors


def test_unknown_field_type_is_refused_naming_the_known_types():
    errors = errors_of(obj({"name": "photo", "type": "blob"}))
    assert list(errors) == ["fields[0].type"]
    assert "blob" in errors["fields[0].type"][0]
    assert "currency" in errors["fields[0].type"][0]


@pytest.mark.parametrize("field, path", [
    ({"name": "f", "type": "number", "max_length": 10}, "fields[0].max_length"),
    ({"name": "f", "type": "text", "scale": 2}, "fields[0].scale"),
    ({"name": "f", "type": "boolean", "options": ["a"]}, "fields[0].options"),
    ({"name": "f", "type": "text", "target": "account"}, "fields[0].target"),
    ({"name": "f", "type": "master_detail", "target": "account", "on_delete": "set_null"}, "fields[0].on_delete"),
    ({"name": "f", "type": "date", "format": "{000}"}, "fields[0].format"),
])
def test_a_property_that_does_not_belong_to_the_field_type_is_refused(field, path):
    errors = errors_of(obj(field))
    assert path in errors


@pytest.mark.parametrize("field, path", [
    ({"name": "f", "type": "picklist"}, "fields[0].options"),
    ({"name": "f", "type": "multi_picklist"}, "fields[0].options"),
    ({"name": "f", "type": "lookup"}, "fields[0].target"),
    ({"name": "f", "type": "master_detail"}, "fields[0].target"),
    ({"name": "f", "type": "auto_number"}, "fields[0].format"),
])
def test_a_property_the_field_type_requires_must_be_present(field, path):
    errors = errors_of(obj(field))
    assert path in errors
    assert "required" in errors[path][0]


@pytest.mark.parametrize("field, path", [
    ({"name": "f", "type": "number", "precision": 4, "scale": 6}, "fields[0].scale"),
    ({"name": "f", "type": "picklist", "options": ["A", "B", "A"]}, "fields[0].options"),
    ({"name": "f", "type": "picklist", "options": []}, "fields[0].options"),
    ({"name": "f", "type": "picklist", "options": ["A;B"]}, "fields[0].options[0]"),
    ({"name": "f", "type": "text", "max_length": 0}, "fields[0].max_length"),
    ({"name": "f", "type": "number", "precision": 39}, "fields[0].precision"),
    ({"name": "f", "type": "auto_number", "format": "CT-{YYYY}"}, "fields[0].format"),
    ({"name": "f", "type": "lookup", "target": "account", "on_delete": "cascade"}, "fields[0].on_delete"),
    ({"name": "f", "type": "text", "required": "yes"}, "fields[0].required"),
])
def test_type_specific_property_values_are_checked(field, path):
    errors = errors_of(obj(field))
    assert path in errors, errors


def test_duplicate_field_names_are_refused_naming_the_second_occurrence():
    errors = errors_of(obj({"name": "title", "type": "text"}, {"name": "amount", "type": "number"},
                           {"name": "title", "type": "long_text"}))
    assert list(errors) == ["fields[2].name"]
    assert "duplicate" in errors["fields[2].name"][0]
    assert "fields[0]" in errors["fields[2].name"][0]


def test_every_problem_of_a_document_is_reported_at_once():
    errors = errors_of(obj({"name": "select", "type": "text"}, {"name": "ok", "type": "blob"},
                           {"name": "n", "type": "number", "max_length": 3}))
    assert {"fields[0].name", "fields[1].type", "fields[2].max_length"} <= set(errors)


@pytest.mark.parametrize("doc, path", [
    ({"kind": "object", "name": "deal"}, "$"),
    ({"kind": "object", "name": "deal", "fields": "title"}, "fields"),
    ({"kind": "object", "name": "deal", "fields": [{"type": "text"}]}, "fields[0]"),
    ({"kind": "object", "name": "deal", "fields": [], "colour": "red"}, "$"),
    ({"kind": "object", "name": "deal", "fields": [{"name": "t", "type": "text", "colour": "red"}]}, "fields[0]"),
    ({"kind": "object", "name": "deal", "fields": [], "label": {"english": "Deal"}}, "label"),
    ({"kind": "object", "name": "deal", "fields": [], "sharing": "everyone"}, "sharing"),
])
def test_json_schema_violations_are_keyed_by_their_path(doc, path):
    errors = errors_of(doc)
    assert path in errors, errors


def test_a_document_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidDocument):
        validate_document("object", "deal", ["not", "an", "object"])


def test_validation_rule_names_follow_the_naming_rules():
    errors = errors_of(obj({"name": "title", "type": "text"},
                           validation_rules=[{"name": "Bad Name", "error_when": "true"}]))
    assert "validation_rules[0].name" in errors


def test_an_unknown_kind_is_refused():
    with pytest.raises(UnknownKind):
        validate_document("spaceship", "deal", obj())
