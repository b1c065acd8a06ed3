"""JSON in and out: exact decimals on input, one fast encoder for output."""

import json
from decimal import Decimal

from flask import Response, request

from .problems import ApiProblem


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

    Raises ApiProblem for a missing, non-JSON or malformed body, naming line and column.
    """
    raw = request.get_data(cache=True)
    if not raw:
        raise ApiProblem(400, "malformed_json", "the request body must be JSON")
    if request.mimetype not in ("application/json", "application/merge-patch+json") and not request.mimetype.endswith("+json"):
        raise ApiProblem(415, "unsupported_media_type", "the request body must be JSON")
    try:
        return json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if hasattr(error, "lineno") else ""
        raise ApiProblem(400, "malformed_json", f"the request body is not valid JSON{where}") from None
