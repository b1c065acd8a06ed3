"""Input errors of every field type are catalog codes, never marshmallow's English text."""

import pytest
from marshmallow import ValidationError

from tessera.i18n import Message, catalog
from tessera.runtime.fields.builtin import BUILTIN_TYPES
from tessera.runtime.fields.loaders import build_loader

WRITABLE = {t.name: t for t in BUILTIN_TYPES if t.writable}

SAMPLE_PROPERTIES = {
    "picklist": {"options": ["Open", "Won"]},
    "multi_picklist": {"options": ["a", "b"]},
    "lookup": {"target": "account"},
    "master_detail": {"target": "account"},
}
VALIDATOR_MESSAGES = ("error", "message_min", "message_max", "message_all", "message_equal")


def _field(field_type):
    doc = {"name": "f", "type": field_type, **SAMPLE_PROPERTIES.get(field_type, {})}
    return WRITABLE[field_type].loader(doc, {"required": True, "allow_none": False})


def _messages(field):
    yield from field.error_messages.values()
    for validator in field.validators:
        for name in VALIDATOR_MESSAGES:
            value = getattr(validator, name, None)
            if isinstance(value, str):
                yield value


@pytest.mark.parametrize("field_type", sorted(WRITABLE))
def test_every_error_a_field_type_can_give_is_a_code_in_the_catalog(field_type):
    for message in _messages(_field(field_type)):
        assert isinstance(message, Message), (field_type, message)
        assert message.code in catalog("en") and message.code in catalog("zh-CN"), message.code


def test_errors_of_a_load_carry_codes_with_their_parameters():
    loader = build_loader("deal", [{"name": "title", "type": "text", "max_length": 3},
                                   {"name": "stage", "type": "picklist", "options": ["Open"]}], partial=False)
    with pytest.raises(ValidationError) as caught:
        loader.load({"title": "long", "stage": "Maybe", "colour": "red"})
    errors = caught.value.messages
    assert [(m.code, m.params.get("max")) for m in errors["title"]] == [("input.length.max", 3)]
    assert errors["stage"][0].render("zh-CN") == "必须是以下之一：Open。"
    assert errors["colour"][0].code == "input.unknown"
