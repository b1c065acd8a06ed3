"""Plain values: JSON rendering of stored Python values, record ids, query-text parsers."""

import re
from datetime import date, datetime, timezone
from decimal import Decimal

#: The largest id a record can have: ids are signed 64-bit integers on both databases.
MAX_ID = 2**63 - 1

#: Numbers further from 1 than this many powers of ten fit no numeric field (precision <= 38,
#: scale <= 18) and PostgreSQL cannot compare some of them; such a query value is refused.
MAX_NUMBER_EXPONENT = 40


#: The characters Python takes for space (``str.isspace``, ``str.strip``, ``re``'s ``\s``), spelled
#: out for patterns: ``\s`` in JSON Schema (ECMA-262) means another set, so a pattern written
#: with this class means the same to the server and to a client checking the document.
SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Text that is not blank: what ``text.strip()`` leaves something of.
NOT_BLANK = f"[^{SPACE}]"
#: An email address as the server takes it: something, one @, something; no spaces.
EMAIL = f"^[^@{SPACE}]{{1,64}}@[^@{SPACE}]{{1,190}}$"


def plain_json(value):
    """Render one stored value as JSON: exact decimals as strings, UTC datetimes with Z."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds").removesuffix(".000000") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def is_record_id(value):
    """True when ``value`` is an int that can be the id of a stored row (1..MAX_ID)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


#: How a decimal is written in JSON text: ASCII digits, an optional sign, one decimal point,
#: an optional exponent; no spaces, underscores or other scripts' digits.
DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def is_decimal_text(text):
    """True when ``text`` is a decimal number written strictly (see DECIMAL_TEXT)."""
    return DECIMAL_TEXT.fullmatch(text) is not None


def digits_id(text):
    """The id written as ``text`` (decimal digits within 1..MAX_ID), or None."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit()):
        return None
    return int(text) if is_record_id(int(text)) else None


def parse_datetime(text):
    """An ISO datetime as naive UTC (an offset is converted, a naive value taken as UTC)."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def parse_number(text):
    """A finite Decimal of sensible magnitude (zero, or 1e-40 .. 1e40 in absolute value),
    written strictly (see DECIMAL_TEXT)."""
    if not is_decimal_text(text):
        raise ValueError("not a decimal")
    number = Decimal(text)
    if not number.is_finite() or (number and abs(number.adjusted()) > MAX_NUMBER_EXPONENT):
        raise ValueError("out of range")
    return number


#: How an integer is written in a query string: ASCII digits and an optional sign, nothing else
#: (``int()`` alone takes spaces, underscores and other scripts' digits).
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def parse_id(text):
    """An integer in the signed 64-bit range of the id columns, written strictly when text."""
    if isinstance(text, bool) or (isinstance(text, str) and not INTEGER_TEXT.fullmatch(text)):
        raise ValueError("not an integer")
    number = int(text)
    if not -MAX_ID - 1 <= number <= MAX_ID:
        raise ValueError("out of range")
    return number


def parse_boolean(text):
    """true/false/1/0, any case."""
    return {"true": True, "false": False, "1": True, "0": False}[str(text).lower()]
