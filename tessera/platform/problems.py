"""The one place where exceptions become RFC 9457 problem documents.

Every error response of the API has this shape:
``{"type", "title", "status", "detail", "code", "instance", "errors"?}``, served as
``application/problem+json``. ``errors`` maps a field path to its messages.
"""

import json
import logging

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from tessera.formula import FormulaError
from tessera.i18n import Message, as_message, catalog
from tessera.metadata.errors import MetadataError
from tessera.runtime.errors import RuntimeFailure

from . import allow
from .allow import visible_methods
from .i18n import pick_locale, title, translate

log = logging.getLogger("tessera")

HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 500: "internal_error", 412: "precondition_failed", 413: "payload_too_large",
    414: "uri_too_long", 415: "unsupported_media_type", 431: "header_fields_too_large",
    503: "service_unavailable", 505: "http_version_not_supported",
}


class ApiProblem(Exception):
    """An error found by the HTTP layer itself (bad JSON, bad header)."""

    def __init__(self, status, code, message, errors=None, **params):
        self.status, self.code, self.message = status, code, as_message(message, **params)
        super().__init__(self.message)
        self.errors = {path: as_message(list(messages)) for path, messages in (errors or {}).items()}


def request_locale(default="en"):
    """The locale of the current request: Accept-Language, else the user's, else the default."""
    ctx = getattr(g, "ctx", None)
    fallback = ctx.locale if ctx is not None else current_app.config.get("DEFAULT_LOCALE", default)
    return pick_locale(request.headers.get("Accept-Language"), fallback)


def problem_fields(status, code, detail, locale, instance=None):
    """The members every problem document has, rendered in ``locale`` (``instance`` when known);
    needs no request, so a server answering before the app runs can use it too."""
    body = {"type": f"/problems/{code}", "title": title(code, locale), "status": status,
            "detail": translate(detail, locale), "code": code}
    if instance is not None:
        body["instance"] = instance
    return body


def problem_body(status, code, detail, errors=None, locale=None):
    """The problem document (a dict) of ``code`` for the current request, in ``locale``
    (the request's when None)."""
    locale = locale or request_locale()
    body = problem_fields(status, code, detail, locale, request.path)
    if errors:
        body["errors"] = {path: [translate(m, locale) for m in messages] for path, messages in errors.items()}
    return body


def problem_response(status, code, detail, errors=None, headers=None, extra=None):
    """Build the problem+json response in the request's locale."""
    locale = request_locale()
    body = problem_body(status, code, detail, errors, locale)
    body.update(extra or {})
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/problem+json")
    response.headers["Content-Language"] = locale
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _formula_problem(error):
    messages = [d.localized() for d in error.diagnostics]
    detail = messages[0] if messages else Message("problem.formula_error")
    diagnostics = [d.to_dict() for d in error.diagnostics]
    return problem_response(400, "formula_error", detail, {"expression": messages}, extra={"diagnostics": diagnostics})


def init_app(app):
    """Register the handlers that turn every error into a problem document (and trim Allow)."""
    allow.install(app)

    @app.errorhandler(MetadataError)
    @app.errorhandler(RuntimeFailure)
    @app.errorhandler(ApiProblem)
    def typed_problem(error):
        headers = {"WWW-Authenticate": 'Bearer realm="tessera"'} if error.status == 401 else {}
        if getattr(error, "retry_after", None) is not None:
            headers["Retry-After"] = str(error.retry_after)
        return problem_response(error.status, error.code, error.message, error.errors, headers,
                                extra=getattr(error, "extra", None))

    @app.errorhandler(FormulaError)
    def formula_problem(error):
        return _formula_problem(error)

    @app.errorhandler(HTTPException)
    def http_problem(error):
        code = HTTP_CODES.get(error.code, "bad_request")
        detail = Message(f"http.{error.code}", limit=app.config["MAX_CONTENT_LENGTH"])
        if f"http.{error.code}" not in catalog("en"):
            detail = Message(f"problem.{code}")
        allowed = getattr(error, "valid_methods", None)  # RFC 9110: a 405 names what is allowed
        headers = {"Allow": ", ".join(sorted(visible_methods(allowed)))} if error.code == 405 and allowed else None
        return problem_response(error.code, code, detail, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(error):
        if app.config.get("TESTING"):
            raise error
        log.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, "internal_error", Message("http.500"))
