"""JSON in and out: exact decimals on input, one fast encoder for output."""

import json
import re
from decimal import Decimal

from flask import Response, request

from tessera.i18n import Message
from tessera.metadata.documents import json_path

from .problems import ApiProblem

#: No API document nests deeper than a few levels; a body nesting deeper than this is refused
#: before anything walks it recursively.
MAX_DEPTH = 64


def _default(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def json_response(data, status=200, headers=None):
    """A JSON response; decimals become strings so no digit is lost."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_default)
    response = Response(body, status=status, mimetype="application/json")
    response.tessera_data = data  # after-request hooks read this instead of decoding the body
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def response_data(response):
    """The data a JSON response was made from (decoded from its body if it was not made here)."""
    data = getattr(response, "tessera_data", None)
    return data if data is not None else response.get_json(silent=True)


def json_body():
    """Parse the request body as JSON (numbers with a fraction become Decimal).

    Raises ApiProblem: 413 for a body over MAX_CONTENT_LENGTH (with or without a
    Content-Length), 415 for a body that is not JSON, 400 for a missing or malformed body
    (naming line and column) or one nesting deeper than MAX_DEPTH, 422 for text holding
    NUL or unpaired surrogates, keyed by its path in the body.
    """
    raw = _bounded_body()
    if not raw:
        raise ApiProblem(400, "malformed_json", "api.body.json_required")
    if request.mimetype not in ("application/json", "application/merge-patch+json") and not request.mimetype.endswith("+json"):
        raise ApiProblem(415, "unsupported_media_type", "api.body.json_required")
    try:
        text = raw.decode(json.detect_encoding(raw))  # strict: encoded surrogates are malformed too
        body = json.loads(text, parse_float=_number)
    except RecursionError:
        raise _too_deep() from None
    except (UnicodeDecodeError, ValueError) as error:
        where = Message("api.body.at", line=error.lineno, column=error.colno) if hasattr(error, "lineno") else ""
        raise ApiProblem(400, "malformed_json", "api.body.malformed", where=where) from None
    _check_depth(body)
    if _MAYBE_UNSTORABLE.search(text):
        _check_text(body)
    return body


def text_body(mimetype):
    """The request body as text of media type ``mimetype`` (a CSV upload, say), UTF-8.

    Raises ApiProblem: 413 when too long, 415 for another media type, 400 for an empty
    body or one that is not UTF-8 text (or holds NUL).
    """
    raw = _bounded_body()
    if request.mimetype != mimetype:
        raise ApiProblem(415, "unsupported_media_type", "api.body.media_required", media=mimetype)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if not text or "\x00" in text:
        raise ApiProblem(400, "malformed_body", "api.body.text_required", media=mimetype)
    return text


def raw_body():
    """The request body as received (bytes), refused with 413 when longer than MAX_CONTENT_LENGTH."""
    return _bounded_body()


def _number(text):
    """A JSON number with a fraction or exponent: an int when it is a whole number of at most 18
    digits (``1.0`` is the integer 1, as JSON Schema says), else an exact Decimal."""
    number = Decimal(text)
    if number.is_finite() and number == number.to_integral_value() and number.adjusted() < 18:
        return int(number)
    return number


def _bounded_body():
    """The raw request body, refused with 413 when it is longer than MAX_CONTENT_LENGTH.

    Werkzeug refuses a too-long Content-Length itself, but a body without one (chunked
    transfer encoding) is cut at the limit without a word, so at most one byte more than
    the limit is read: getting it means the body is too long.
    """
    limit = request.max_content_length
    if limit is None or request.content_length is not None:
        return request.get_data(cache=True)
    request.max_content_length = limit + 1  # read before the stream is opened, hence here
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise ApiProblem(413, "payload_too_large", "http.413", limit=limit)
    return raw


def _too_deep():
    return ApiProblem(400, "malformed_json", "api.body.too_deep", max=MAX_DEPTH)


# In valid JSON text NUL and surrogates can only be written as \\u escapes; a body without
# such an escape needs no string looked at.
_MAYBE_UNSTORABLE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


def _check_depth(body):
    """Raise ApiProblem when ``body`` nests deeper than MAX_DEPTH (iterative: safe at any depth)."""
    level, depth = [body], 0
    while level:
        if depth >= MAX_DEPTH:
            raise _too_deep()
        below = []
        for value in level:
            if type(value) is dict:
                below.extend(v for v in value.values() if type(v) in (dict, list))
            elif type(value) is list:
                below.extend(v for v in value if type(v) in (dict, list))
        level, depth = below, depth + 1


def _check_text(body):
    """Raise ApiProblem (422) naming the path of every key or string holding NUL or a lone surrogate."""
    bad = {}
    _collect_unstorable(body, (), bad)
    if bad:
        raise ApiProblem(422, "validation_failed", "api.body.unstorable_text",
                         dict(sorted(bad.items())))


def _collect_unstorable(value, path, bad):
    """Add to ``bad`` the path and reason of every unstorable key or string under ``value``."""
    if isinstance(value, str):
        if _unstorable(value):
            bad[_path_text(path)] = [_unstorable(value)]
    elif isinstance(value, dict):
        for key, item in value.items():
            if _unstorable(key):
                bad[_path_text((*path, key))] = [_unstorable(key)]
            _collect_unstorable(item, (*path, key), bad)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _collect_unstorable(item, (*path, index), bad)


def _unstorable(text):
    """Why ``text`` cannot be stored (NUL, or an unpaired surrogate), or None."""
    if "\x00" in text:
        return Message("input.nul")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return Message("api.unicode_text")
    return None


def _path_text(parts):
    """The field path of ``parts`` (``[0].title``), with any NUL in a key shown escaped."""
    return json_path(parts).replace("\x00", "\\u0000")
