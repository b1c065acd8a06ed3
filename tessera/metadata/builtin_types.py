"""The built-in field types, as the metadata language sees them.

The runtime subclasses each of these with its storage (``tessera/runtime/fields/builtin``);
the built-ins then reach an app exactly as a plugin's types do, through the
``tessera_register_field_types`` hook of a default plugin.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from tessera.i18n import Message

from .fieldtypes import DEFAULT_LONG_TEXT_LENGTH, DEFAULT_TEXT_LENGTH, FieldType, lookup_target, numeric_shape, \
    option_values
from .steps import plan_step

LENGTH = {"max_length": {"type": "integer", "minimum": 1, "maximum": 1000000}}
NUMBER_SHAPE = {"precision": {"type": "integer", "minimum": 1, "maximum": 38},
                "scale": {"type": "integer", "minimum": 0, "maximum": 18},
                "min": {"type": "number"}, "max": {"type": "number"}}
OPTIONS = {"options": {"type": "array", "minItems": 1}}
TARGET = {"target": {"type": "string"}}
ON_DELETE = {"on_delete": {"enum": ["restrict", "set_null"]}}


class TextType(FieldType):
    """Text of bounded length; every member of the text family converts to every other."""

    family = "text"
    default_length = DEFAULT_TEXT_LENGTH
    properties = LENGTH

    def default_problem(self, field_doc, value):
        if not isinstance(value, str):
            return Message("metadata.default.text")
        limit = self.text_length(field_doc)
        if limit and len(value) > limit:
            return Message("metadata.default.too_long", max=limit)
        return None

    def change_steps(self, obj, old, new, old_type):
        old_len, new_len = old_type.text_length(old), self.text_length(new)
        if new_len == old_len:
            return []
        check = {"kind": "longer_than", "length": new_len} if new_len < old_len else None
        return [plan_step("alter_column", obj, new["name"], change="length", old=old_len, new=new_len,
                          data_check=check)]


class PicklistType(TextType):
    """One value out of the field's options."""

    formula_type = "picklist"
    properties = {**LENGTH, **OPTIONS}
    required = frozenset({"options"})

    def default_problem(self, field_doc, value):
        problem = super().default_problem(field_doc, value)
        if problem is None and value not in option_values(field_doc):
            return Message("input.not_an_option", value=f'"{value}"')
        return problem

    def change_steps(self, obj, old, new, old_type):
        steps = super().change_steps(obj, old, new, old_type)
        if old["type"] == "picklist":
            removed = sorted(set(option_values(old)) - set(option_values(new)))
            if removed:
                steps.append(plan_step("restrict_values", obj, new["name"], removed=removed,
                                       data_check={"kind": "value_in", "values": removed}))
            return steps
        allowed = option_values(new)
        return steps + [plan_step("restrict_values", obj, new["name"], allowed=allowed,
                                  data_check={"kind": "value_not_in", "values": allowed})]


class AutoNumberType(TextType):
    """Text the runtime fills from ``format`` when a record is created."""

    writable = False
    properties = {"format": {"type": "string"}}
    required = frozenset({"format"})

    def default_problem(self, field_doc, value):
        return Message("metadata.default.none", type=self.name)


class NumericType(FieldType):
    """An exact decimal of ``precision`` digits, ``scale`` of them after the point."""

    family = "numeric"
    properties = NUMBER_SHAPE

    def default_problem(self, field_doc, value):
        if isinstance(value, bool):
            return Message("metadata.default.number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return Message("metadata.default.number")
        precision, scale = numeric_shape(field_doc)
        if not number.is_finite() or abs(number) >= Decimal(10) ** (precision - scale):
            return Message("input.digits_before_point", digits=precision - scale)
        return None

    def change_steps(self, obj, old, new, old_type):
        (old_p, old_s), (new_p, new_s) = numeric_shape(old), numeric_shape(new)
        if (old_p, old_s) == (new_p, new_s):
            return []
        narrowing = new_s < old_s or (new_p - new_s) < (old_p - old_s)
        check = {"kind": "numeric_overflow", "precision": new_p, "scale": new_s} if narrowing else None
        return [plan_step("alter_column", obj, new["name"], change="numeric", old=[old_p, old_s],
                          new=[new_p, new_s], data_check=check)]


class TemporalType(FieldType):
    """A date, or a UTC datetime."""

    def default_problem(self, field_doc, value):
        parse = date.fromisoformat if self.name == "date" else datetime.fromisoformat
        try:
            parse(str(value).replace("Z", "+00:00"))
        except ValueError:
            return Message(f"metadata.default.iso_{self.name}")
        return None


class BooleanType(FieldType):
    """True or false."""

    formula_type = "boolean"

    def default_problem(self, field_doc, value):
        return None if isinstance(value, bool) else Message("metadata.default.boolean")


class MultiPicklistType(FieldType):
    """Distinct values out of the field's options."""

    formula_type = "multi_picklist"
    properties = OPTIONS
    required = frozenset({"options"})

    def default_problem(self, field_doc, value):
        if not isinstance(value, list) or not set(value) <= set(option_values(field_doc)):
            return Message("metadata.default.options")
        return None

    def change_steps(self, obj, old, new, old_type):
        removed = sorted(set(option_values(old)) - set(option_values(new)))
        if not removed:
            return []
        return [plan_step("restrict_values", obj, new["name"], removed=removed,
                          data_check={"kind": "multi_value_in", "values": removed})]


class RelationType(FieldType):
    """The id of a record of another object (or of a user); relations to one target convert freely."""

    formula_type = "lookup"
    family = "relation"

    def change_steps(self, obj, old, new, old_type):
        return [] if lookup_target(old) == lookup_target(new) else None


class ComputedType(FieldType):
    """A formula (computed in the SELECT) or a roll-up (stored, kept by the runtime)."""

    formula_type = ""
    writable = False


FORMULA_PROPERTIES = {"expression": {"type": "string"}, "returns": {"type": "string"}, "scale": {"type": "integer"}}
ROLLUP_PROPERTIES = {**{k: {"type": "string"} for k in ("child", "via", "function", "of", "filter")},
                     "scale": {"type": "integer"}}

#: Each built-in: its class here, its name and its settings. The runtime builds its complete
#: types from the same list, so a built-in is described once.
BUILTIN_SETTINGS = [
    (TextType, "text", {}),
    (TextType, "long_text", {"default_length": DEFAULT_LONG_TEXT_LENGTH}),
    (TextType, "email", {"properties": {}}),
    (TextType, "phone", {"properties": {}}),
    (TextType, "url", {"properties": {}}),
    (PicklistType, "picklist", {"properties": OPTIONS}),
    (AutoNumberType, "auto_number", {}),
    (NumericType, "number", {"formula_type": "number"}),
    (NumericType, "currency", {"formula_type": "currency"}),
    (NumericType, "percent", {"formula_type": "percent"}),
    (BooleanType, "boolean", {}),
    (TemporalType, "date", {"formula_type": "date"}),
    (TemporalType, "datetime", {"formula_type": "datetime"}),
    (MultiPicklistType, "multi_picklist", {}),
    (RelationType, "lookup", {"properties": {**TARGET, **ON_DELETE}, "required": frozenset({"target"})}),
    (RelationType, "master_detail", {"properties": TARGET, "required": frozenset({"target"})}),
    (RelationType, "user", {"properties": ON_DELETE}),
    (ComputedType, "formula", {"stored": False, "properties": FORMULA_PROPERTIES,
                               "required": frozenset({"expression", "returns"})}),
    (ComputedType, "rollup", {"properties": ROLLUP_PROPERTIES, "required": frozenset({"child", "via", "function"})}),
]

BUILTIN_DESCRIPTIONS = [cls(name, **settings) for cls, name, settings in BUILTIN_SETTINGS]
