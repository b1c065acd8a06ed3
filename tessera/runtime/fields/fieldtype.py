"""The run-time half of a field type: storage, input, output and the API schema.

``FieldType`` here extends the metadata layer's description with everything the runtime
does with a field's values, so one object carries everything about its type. A plugin
subclasses it and returns instances from its ``tessera_register_field_types`` hook.
"""

from marshmallow import fields as ma_fields
from sqlalchemy import String, Text, func

from tessera.metadata.fieldtypes import FieldType as Description

from .jsonsql import pg_text
from .inputs import no_nul
from .messages import CodedLength, coded
from .values import plain_json

AGGREGATE_FUNCTIONS = frozenset({"sum", "avg", "min", "max"})


class FieldType(Description):
    """A field type with its storage and behaviour; defaults suit a text-like value."""

    #: Abilities: what lists, history and aggregates may do with fields of this type.
    history = True
    filterable = True
    sortable = True
    groupable = True
    aggregates = frozenset()
    #: True when every record must have a value, whatever the field says (master-detail).
    always_required = False
    #: False when the runtime fills the value and input may not set it (auto numbers).
    writable = True

    def column_type(self, field_doc):
        """The SQLAlchemy type of the column (width or precision from ``field_doc``)."""
        length = self.text_length(field_doc)
        return Text() if length is None else String(length)

    def loader(self, field_doc, options):
        """The marshmallow field that validates and coerces input; ``options`` carry
        ``required`` and ``allow_none``. Its errors are the messages the API returns."""
        length = self.text_length(field_doc)
        checks = [no_nul] if length is None else [CodedLength(max=length), no_nul]
        return ma_fields.String(validate=checks, error_messages=coded(ma_fields.String), **options)

    def fast(self, field_doc):
        """``coerce(value)`` giving exactly what ``loader`` would for plainly valid input and
        raising any exception otherwise, or None (every value then takes ``loader``)."""
        return None

    def to_json(self, value):
        """The JSON form of a stored, non-null value."""
        return plain_json(value)

    def from_aggregate(self, value):
        """A non-null MIN/MAX/group value as the database returns it, as a stored value."""
        return value

    def parse(self, text):
        """The stored value a query-string or cursor ``text`` stands for; raises ValueError."""
        return text

    def cursor_value(self, value):
        """The stored value a cursor's JSON ``value`` (written by ``plain_json``) stands for;
        raises ValueError when ``value`` is not of the JSON type such values have (text here)."""
        if not isinstance(value, str):
            raise ValueError("not text")
        return self.parse(value)

    def json_sql(self, expr, field_doc, dialect):
        """SQL rendering the non-null stored value ``expr`` as the JSON ``to_json`` makes."""
        return pg_text(expr) if dialect == "postgresql" else func.json_quote(expr)

    def openapi_schema(self, field_doc, mode):
        """The JSON Schema of a value as the API reads it (``mode="read"``) or takes it
        (``mode="write"``), without null (the caller adds it for optional fields)."""
        schema = {"type": "string"}
        if field_doc.get("max_length"):
            schema["maxLength"] = field_doc["max_length"]
        return schema
