"""The ``cn_credit_code`` field type: one object carrying everything about it."""

from marshmallow import ValidationError, fields

from tessera.runtime.fields import FieldType

from .checksum import ALPHABET, LENGTH, normalise, problem
from .messages import LABEL, message

_LOWER = "".join(c.lower() for c in ALPHABET if c.isalpha())
READ_PATTERN = f"^[{ALPHABET}]{{{LENGTH}}}$"
WRITE_PATTERN = f"^[{ALPHABET}{_LOWER}]{{{LENGTH}}}$"


def checked(value):
    """``value`` as stored (upper case) when it is a valid code; ValidationError saying why not."""
    if not isinstance(value, str):
        raise ValidationError(message("text"))
    code = normalise(value)
    found = problem(code)
    if found is not None:
        key, params = found
        raise ValidationError(message(key, **params))
    return code


class CreditCodeInput(fields.Field):
    """Input of a credit code: any case in, upper case out, refused with a reason."""

    def _deserialize(self, value, attr, data, **kwargs):
        return checked(value)


class CreditCodeType(FieldType):
    """统一社会信用代码: 18 characters with the GB 32100-2015 check character, stored upper case.

    Stored as an 18-character string; filters, sorting, MIN/MAX, grouping, uniqueness and
    history work as for text. In formulas it is text.
    """

    name = "cn_credit_code"
    formula_type = "text"
    default_length = LENGTH
    properties = {}
    label = LABEL
    aggregates = frozenset({"min", "max"})

    def default_problem(self, field_doc, value):
        try:
            checked(value)
        except ValidationError as error:
            return error.messages[0]
        return None

    def loader(self, field_doc, options):
        return CreditCodeInput(**options)

    def fast(self, field_doc):
        return checked

    def parse(self, text):
        return normalise(text)

    def openapi_schema(self, field_doc, mode):
        pattern = READ_PATTERN if mode == "read" else WRITE_PATTERN
        return {"type": "string", "minLength": LENGTH, "maxLength": LENGTH, "pattern": pattern,
                "description": "统一社会信用代码 (unified social credit code, GB 32100-2015)"}
