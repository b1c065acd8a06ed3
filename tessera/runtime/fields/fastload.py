"""A fast path in front of the marshmallow loaders, for input that is plainly well-formed.

marshmallow stays the definition of valid input: the fast path accepts a payload only when
every value is of a shape whose result marshmallow would give identically (an in-range
decimal that needs no rounding, a short enough string, an ISO date, ...). Anything else,
including every error, goes through the marshmallow schema, which words the errors.
"""

from datetime import date
from decimal import Context, Decimal, InvalidOperation

from tessera.i18n import Message
from tessera.metadata.fieldtype_registry import text_length
from tessera.metadata.fieldtypes import numeric_shape, option_values

from .values import is_decimal_text


class _Slow(Exception):
    """This value needs the full marshmallow path."""


def text_fast(field_doc):
    """Plain strings within the length (and the options of a picklist), without NUL."""
    limit = text_length(field_doc)
    allowed = set(option_values(field_doc)) if field_doc["type"] == "picklist" else None

    def coerce(value):
        if type(value) is not str or len(value) > limit or (allowed is not None and value not in allowed) \
                or "\x00" in value:
            raise _Slow
        return value
    return coerce


class DoesNotFit(ValueError):
    """A number does not fit a numeric field's shape; the message says why."""


def numeric_fitter(precision, scale):
    """Return ``fit(number)``: the finite Decimal ``number`` with exactly ``scale`` decimal places.

    ``fit`` raises DoesNotFit when the number has more than ``precision - scale`` digits
    before the decimal point, or would need rounding to ``scale`` places: nothing is rounded.
    """
    limit = Decimal(10) ** (precision - scale)
    exponent = Decimal(1).scaleb(-scale)
    context = Context(prec=max(precision, scale, 1))  # below the limit the result always fits
    too_long = Message("input.digits_before_point", digits=precision - scale)
    too_fine = Message("input.whole_number" if scale == 0 else
                       "input.decimal_place" if scale == 1 else "input.decimal_places", places=scale)

    def fit(number):
        if number.copy_abs() >= limit:
            raise DoesNotFit(too_long)
        exact = number.quantize(exponent, context=context)
        if exact != number:
            raise DoesNotFit(too_fine)
        return exact
    return fit


def numeric_fast(field_doc):
    """Strings, ints and Decimals that fit the shape exactly and lie within min and max."""
    fit = numeric_fitter(*numeric_shape(field_doc))
    low = Decimal(str(field_doc["min"])) if "min" in field_doc else None
    high = Decimal(str(field_doc["max"])) if "max" in field_doc else None

    def coerce(value):
        if type(value) not in (str, int, Decimal) or (type(value) is str and not is_decimal_text(value)):
            raise _Slow
        try:
            number = Decimal(value)
            exact = fit(number) if number.is_finite() else None
        except (InvalidOperation, ValueError):
            raise _Slow from None
        if exact is None or (low is not None and exact < low) or (high is not None and exact > high):
            raise _Slow
        return exact
    return coerce


def date_fast(field_doc):
    """ISO dates written YYYY-MM-DD."""
    def coerce(value):
        if type(value) is not str or len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise _Slow
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _Slow from None
    return coerce


def exact_type_fast(kind, check=lambda v: True):
    """A factory of coercers taking values of exactly type ``kind`` that pass ``check``."""
    def factory(field_doc):
        def coerce(value):
            if type(value) is not kind or not check(value):
                raise _Slow
            return value
        return coerce
    return factory


class FastLoader:
    """Loads like ``schema.load`` (same results, same errors), quickly for plain input."""

    def __init__(self, schema, field_docs, types, *, partial):
        self.schema = schema
        self.coercers, self.nullable, self.required = {}, set(), set()
        for field_doc in field_docs:
            name = field_doc["name"]
            if name not in schema.fields:
                continue
            field = schema.fields[name]
            self.coercers[name] = types[field_doc["type"]].fast(field_doc) or field.deserialize
            if field.allow_none:
                self.nullable.add(name)
            if field.required:
                self.required.add(name)
        self.fields = schema.fields

    def load(self, payload):
        """Return the coerced values of ``payload``; raise marshmallow's ValidationError when invalid."""
        try:
            return self._fast(payload)
        except _Slow:
            return self.schema.load(payload)

    def _fast(self, payload):
        if not self.required.issubset(payload):
            raise _Slow
        out = {}
        coercers = self.coercers
        for name, value in payload.items():
            coerce = coercers.get(name)
            if coerce is None:
                raise _Slow
            if value is None:
                if name not in self.nullable:
                    raise _Slow
                out[name] = None
            else:
                try:
                    out[name] = coerce(value)
                except Exception:
                    raise _Slow from None
        return out
