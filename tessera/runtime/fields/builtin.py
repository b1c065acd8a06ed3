"""The built-in field types, complete: the metadata description plus storage and behaviour.

They reach an app as a plugin's types do (the platform's default plugin returns
``BUILTIN_TYPES`` from ``tessera_register_field_types``); a runtime built without an app
uses ``BUILTIN_FIELD_TYPES``.
"""

from datetime import date

from marshmallow import fields as ma_fields
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, Numeric, String, Text, func

from tessera.i18n import Message
from tessera.metadata import builtin_types as described
from tessera.metadata.fieldtype_registry import FieldTypeRegistry
from tessera.metadata.fieldtypes import numeric_shape, option_values

from . import jsonsql
from .fastload import date_fast, exact_type_fast, numeric_fast, text_fast
from .fieldtype import FieldType
from .inputs import PHONE, MultiPicklist, StrictBoolean, UtcDateTime, whole_match, numeric_input, record_id_input, text_input
from .messages import coded, one_of
from .values import EMAIL, MAX_ID, SPACE, parse_boolean, parse_datetime, parse_id, parse_number

ID_TYPE = BigInteger().with_variant(Integer(), "sqlite")
DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
ORDERED = frozenset({"min", "max"})
#: What an email or a URL must look like: one rule, checked on input and stated in the
#: document (a pattern), so a client can validate exactly what the server will.
URL = rf"^https?://[^{SPACE}/?#\[\]]+(?:[/?#][^{SPACE}]*)?$"  # no IPv6 literal: bracketed hosts are easy to get wrong
TEXT_PATTERNS = {"email": (EMAIL, "input.invalid.email"), "url": (URL, "input.invalid.url"),
                 "phone": (PHONE, "input.invalid.phone")}
TEXT_INPUTS = {name: (lambda f, o, p=pattern, e=error: text_input(f, o, ma_fields.String, whole_match(p, Message(e))))
               for name, (pattern, error) in TEXT_PATTERNS.items()}


class TextField(described.TextType, FieldType):
    """text, long_text, email, phone, url: strings of bounded length (email and url format-checked)."""

    aggregates = ORDERED

    def column_type(self, field_doc):
        return Text() if self.name == "long_text" else String(self.text_length(field_doc))

    def loader(self, field_doc, options):
        return TEXT_INPUTS.get(self.name, text_input)(field_doc, options)

    def fast(self, field_doc):
        return text_fast(field_doc) if self.name in ("text", "long_text") else None

    def openapi_schema(self, field_doc, mode):
        schema = super().openapi_schema(field_doc, mode)
        if self.name in TEXT_PATTERNS and mode == "write":
            schema["pattern"] = TEXT_PATTERNS[self.name][0]
        return schema


class PicklistField(described.PicklistType, TextField):
    """One of the field's options, stored as its value."""

    def loader(self, field_doc, options):
        return ma_fields.String(validate=one_of(option_values(field_doc)), error_messages=coded(ma_fields.String),
                                **options)

    def fast(self, field_doc):
        return text_fast(field_doc)

    def openapi_schema(self, field_doc, mode):
        return {"type": "string", "enum": option_values(field_doc)}


class AutoNumberField(described.AutoNumberType, TextField):
    """Text the runtime fills when a record is created; input may not set it."""

    writable = False

    def openapi_schema(self, field_doc, mode):
        return {**super().openapi_schema(field_doc, mode), "readOnly": True}


class NumericField(described.NumericType, FieldType):
    """number, currency, percent: exact decimals, written and read as decimal strings."""

    aggregates = frozenset({"sum", "avg", "min", "max"})

    def column_type(self, field_doc):
        precision, scale = numeric_shape(field_doc)
        return Numeric(precision, scale, asdecimal=True)

    def loader(self, field_doc, options):
        return numeric_input(field_doc, options)

    def fast(self, field_doc):
        return numeric_fast(field_doc)

    def parse(self, text):
        return parse_number(text)

    def cursor_value(self, value):
        # decimals are written as text; integer columns (version) and SQLite formulas as numbers
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError("not a number")
        return parse_number(value if isinstance(value, str) else repr(value))

    def json_sql(self, expr, field_doc, dialect):
        if dialect == "postgresql":
            return jsonsql.pg_text(expr)
        return jsonsql.sqlite_decimal(expr, numeric_shape(field_doc)[1])

    def openapi_schema(self, field_doc, mode):
        # read as text; written as text or, as input allows, a JSON number
        return dict(DECIMAL) if mode == "read" else {**DECIMAL, "type": ["string", "number"]}


class BooleanField(described.BooleanType, FieldType):
    """True or false."""

    def column_type(self, field_doc):
        return Boolean(create_constraint=False)

    def loader(self, field_doc, options):
        # JSON true or false only, as the document says (not 0, 1, "yes" or "on")
        return StrictBoolean(error_messages=coded(ma_fields.Boolean), **options)

    def fast(self, field_doc):
        return exact_type_fast(bool)(field_doc)

    def from_aggregate(self, value):
        return bool(value)

    def parse(self, text):
        return parse_boolean(text)

    def cursor_value(self, value):
        # a SQLite formula may give 0 or 1 for a boolean
        if type(value) not in (bool, int) or value not in (0, 1):
            raise ValueError("not a boolean")
        return bool(value)

    def json_sql(self, expr, field_doc, dialect):
        return func.to_json(expr) if dialect == "postgresql" else jsonsql.sqlite_boolean(expr)

    def openapi_schema(self, field_doc, mode):
        return {"type": "boolean"}


class DateField(described.TemporalType, FieldType):
    """A calendar date, ``YYYY-MM-DD``."""

    aggregates = ORDERED

    def column_type(self, field_doc):
        return Date()

    def loader(self, field_doc, options):
        return ma_fields.Date(error_messages=coded(ma_fields.Date), **options)

    def fast(self, field_doc):
        return date_fast(field_doc)

    def from_aggregate(self, value):
        return self.parse(value) if isinstance(value, str) else value

    def parse(self, text):
        return date.fromisoformat(text)

    def json_sql(self, expr, field_doc, dialect):
        return jsonsql.pg_date(expr) if dialect == "postgresql" else func.json_quote(expr)

    def openapi_schema(self, field_doc, mode):
        return {"type": "string", "format": "date"}


class DateTimeField(DateField):
    """A UTC datetime: offsets converted on input, written with ``Z``."""

    def column_type(self, field_doc):
        return DateTime()

    def loader(self, field_doc, options):
        return UtcDateTime(error_messages=coded(UtcDateTime), **options)

    def fast(self, field_doc):
        return None

    def parse(self, text):
        return parse_datetime(text)

    def json_sql(self, expr, field_doc, dialect):
        return jsonsql.pg_datetime(expr) if dialect == "postgresql" else jsonsql.sqlite_datetime(expr)

    def openapi_schema(self, field_doc, mode):
        return {"type": "string", "format": "date-time"}


class MultiPicklistField(described.MultiPicklistType, FieldType):
    """Distinct options, stored joined by ';' and read as a list."""

    groupable = False

    def column_type(self, field_doc):
        return Text()

    def loader(self, field_doc, options):
        return MultiPicklist(option_values(field_doc), error_messages=coded(MultiPicklist), **options)

    def to_json(self, value):
        return value.split(";") if value else []

    def json_sql(self, expr, field_doc, dialect):
        return jsonsql.pg_list(expr) if dialect == "postgresql" else jsonsql.sqlite_list(expr)

    def openapi_schema(self, field_doc, mode):
        return {"type": "array", "items": {"type": "string", "enum": option_values(field_doc)}, "uniqueItems": True}


class RelationField(described.RelationType, FieldType):
    """lookup, master_detail, user: the id of a record (or user), stored as a 64-bit integer."""

    def column_type(self, field_doc):
        return ID_TYPE

    def loader(self, field_doc, options):
        return record_id_input(field_doc, options)

    def fast(self, field_doc):
        return exact_type_fast(int, lambda v: 1 <= v <= MAX_ID)(field_doc)

    def parse(self, text):
        return parse_id(text)

    def cursor_value(self, value):
        if type(value) is not int:
            raise ValueError("not an id")
        return parse_id(value)

    def json_sql(self, expr, field_doc, dialect):
        return func.to_json(expr) if dialect == "postgresql" else func.json_quote(expr)

    def openapi_schema(self, field_doc, mode):
        return {"type": "integer", "minimum": 1}


class ComputedField(described.ComputedType, FieldType):
    """Formula and roll-up fields: never written; a roll-up is stored as its source's type."""

    writable = False


#: The runtime class of each built-in, and settings only the runtime has.
RUNTIME_CLASSES = {
    "text": TextField, "long_text": TextField, "email": TextField, "phone": TextField, "url": TextField,
    "picklist": PicklistField, "auto_number": AutoNumberField, "number": NumericField, "currency": NumericField,
    "percent": NumericField, "boolean": BooleanField, "date": DateField, "datetime": DateTimeField,
    "multi_picklist": MultiPicklistField, "lookup": RelationField, "master_detail": RelationField,
    "user": RelationField, "formula": ComputedField, "rollup": ComputedField,
}
RUNTIME_SETTINGS = {"long_text": {"aggregates": frozenset(), "filterable": False, "groupable": False},
                    "master_detail": {"always_required": True}}

BUILTIN_TYPES = [RUNTIME_CLASSES[name](name, **settings, **RUNTIME_SETTINGS.get(name, {}))
                 for _cls, name, settings in described.BUILTIN_SETTINGS]
BUILTIN_FIELD_TYPES = FieldTypeRegistry(BUILTIN_TYPES)

#: The system columns every record has, by the type of their values (``version`` is an
#: integer column, read and compared as ids are: a decimal would not bind in a row value).
SYSTEM_TYPES = {name: BUILTIN_FIELD_TYPES[kind] for name, kind in {
    "id": "lookup", "owner_id": "user", "created_by": "user", "updated_by": "user",
    "created_at": "datetime", "updated_at": "datetime", "version": "lookup"}.items()}
