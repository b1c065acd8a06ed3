"""The type picker's choices: every field type the app has, each with the inputs of its options.

Driven by the app's field type registry (built-in and plugin types alike): a type's
``properties`` say which options it takes and their JSON Schema, completed by the object
schema's description of the same property (its ``enum``); ``required`` which of them it
needs. A few properties get a richer input than their schema alone suggests (picklist
values, the object a lookup or roll-up points at, formulas).
"""

from dataclasses import dataclass

from tessera.i18n import template
from tessera.metadata.kinds import kind_spec

from .fields import localized
from .render import t

#: Properties whose input is more than a text box.
OBJECT_PROPERTIES = frozenset({"target", "child"})
FORMULA_PROPERTIES = frozenset({"expression", "filter"})
#: The order of the picker: the usual types first; any other (a plugin's) after them, by name.
PREFERRED = ("text", "long_text", "number", "currency", "percent", "date", "datetime", "boolean", "picklist",
             "multi_picklist", "email", "phone", "url", "lookup", "master_detail", "user", "auto_number",
             "formula", "rollup")
#: The colours a picklist value may take (the object schema's palette).
COLOURS = ("gray", "blue", "green", "yellow", "orange", "red", "purple")


@dataclass(frozen=True)
class PropertyInput:
    """One option of a field type as the field editor shows it."""

    name: str
    label: str
    widget: str  # options | object | formula | select | integer | decimal | text | checkbox
    required: bool = False
    choices: tuple = ()
    help: str | None = None


@dataclass(frozen=True)
class TypeChoice:
    """One field type in the picker: its name, label, one-line description and options."""

    name: str
    label: str
    description: str | None
    properties: tuple

    @property
    def computed(self):
        """True for types whose values the runtime fills (formulas, roll-ups)."""
        return any(p.name in ("expression", "function") for p in self.properties)


def _field_schema():
    return kind_spec("object").validator.schema["$defs"]["field"]["properties"]


def _text(code, locale, fallback=None):
    """The UI text ``code`` when the catalog has it, else ``fallback``."""
    return t(code) if template(code, locale) is not None else fallback


def _widget(name, schema):
    if name == "options":
        return "options"
    if name in OBJECT_PROPERTIES:
        return "object"
    if name in FORMULA_PROPERTIES:
        return "formula"
    if "enum" in schema:
        return "select"
    return {"integer": "integer", "number": "decimal", "boolean": "checkbox"}.get(schema.get("type"), "text")


def property_input(field_type, name, locale):
    """The input of property ``name`` of ``field_type``."""
    schema = {**_field_schema().get(name, {}), **field_type.properties[name]}
    if "enum" not in schema and "enum" in _field_schema().get(name, {}):
        schema["enum"] = _field_schema()[name]["enum"]
    label = _text(f"ui.design_objects.prop.{name}", locale, name)
    return PropertyInput(name, label, _widget(name, schema), name in field_type.required,
                         tuple(schema.get("enum", ())), _text(f"ui.design_objects.prop_help.{name}", locale))


def type_label(field_type, locale):
    """A type's name for people: its own label map, else the UI catalog's, else its name."""
    own = localized(field_type.label, locale, None) if field_type.label else None
    return own or _text(f"ui.design_objects.type.{field_type.name}", locale, field_type.name)


def type_choices(registry, locale):
    """Every type of ``registry`` as a TypeChoice: the usual ones first, then the others by name."""
    names = [n for n in PREFERRED if n in registry] + [n for n in registry if n not in PREFERRED]
    choices = []
    for name in names:
        field_type = registry[name]
        inputs = tuple(property_input(field_type, prop, locale) for prop in field_type.properties)
        choices.append(TypeChoice(name, type_label(field_type, locale),
                                  _text(f"ui.design_objects.type_help.{name}", locale), inputs))
    return choices
