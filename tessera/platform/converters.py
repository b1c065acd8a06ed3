"""What a URL may carry: bounded ids and NUL-free text in the path and the query string.

A path segment that breaks these rules matches no route (404: nothing can live there); a
query parameter that does is refused with 400 before any view reads it.
"""

from flask import request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from tessera.runtime.errors import InvalidQuery
from tessera.runtime.fields.serialize import MAX_ID
from tessera.i18n import Message

NUL_MESSAGE = Message("input.nul")


def at_most_regex(limit):
    """A regular expression matching exactly the decimal numbers from 0 to ``limit``.

    Shorter numbers, then for each digit of ``limit`` a smaller digit after the same prefix,
    then ``limit`` itself; leading zeros are allowed as ``\\d+`` allows them.
    """
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        rest = len(digits) - i - 1
        if digit != "0":
            options.append(digits[:i] + f"[0-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    options.append(digits)
    return f"0*(?:{'|'.join(options)})"


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` matching only the signed 64-bit range of the id columns.

    A larger number names no record on either database; without the bound it reaches the
    driver, which fails (OverflowError on SQLite, out of range on PostgreSQL). The bound is
    in the regular expression, not in ``to_python``: werkzeug answers a converter refusal
    with 405 when a rule for another method matched the path, and this must be 404.
    """

    regex = at_most_regex(MAX_ID)


class NulFreeConverter(UnicodeConverter):
    """The default ``<name>`` converter, refusing a segment that holds NUL (``%00``)."""

    def to_python(self, value):
        if "\x00" in value:
            raise ValidationError()
        return value


class MetadataKindConverter(NulFreeConverter):
    """``<metadata_kind:...>``: a kind of metadata document, never a word the metadata routes
    use themselves, so ``/metadata/plan`` is the plan alone (and its Allow header says GET)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = r"(?!(?:plan|publish|revisions)\Z)[^/]+"  # the parent sets its own in __init__


def refuse_nul_in_query():
    """A before-request hook: raise InvalidQuery naming each query parameter holding NUL.

    PostgreSQL refuses NUL in any text parameter, SQLite keeps it; refusing it here makes
    every filter, cursor, formula and name parameter behave alike on both.
    """
    raw = request.query_string
    if b"%00" not in raw and b"\x00" not in raw:  # a decoded NUL can only come from these
        return
    bad = sorted({key for key, value in request.args.items(multi=True) if "\x00" in key or "\x00" in value})
    if bad:
        names = [key.replace("\x00", "\\u0000") for key in bad]
        raise InvalidQuery("api.query.nul", names=", ".join(names),
                           errors={name: [NUL_MESSAGE] for name in names})


def install(app):
    """Register the bounded converters (before any route is added) and the query guard."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["default"] = NulFreeConverter
    app.url_map.converters["string"] = NulFreeConverter
    app.url_map.converters["metadata_kind"] = MetadataKindConverter
    app.before_request(refuse_nul_in_query)
