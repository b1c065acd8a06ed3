"""The methods a caller is told a URL allows: those of its routes the caller's document lists.

The OpenAPI document leaves out, for anyone but an administrator, the operations declared
``admin``; the ``Allow`` header of an OPTIONS answer or a 405 says the same, so a client
reading either learns one set of methods. (Calling such a method still answers 403.)
"""

from flask import current_app, g, request
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from .openapi.declare import declaration


def visible_methods(methods):
    """``methods`` (of the current URL) less those whose route the caller's document leaves out."""
    ctx = getattr(g, "ctx", None)
    if ctx is None or ctx.is_admin:
        return set(methods)
    adapter = request_ctx.url_adapter
    shown = set()
    for method in methods:
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except HTTPException:
            shown.add(method)  # HEAD and OPTIONS have no route of their own
            continue
        declared = declaration(current_app.view_functions[endpoint])
        if declared is None or not declared.admin:
            shown.add(method)
    return shown


def install(app):
    """Trim the Allow header of OPTIONS answers to what the caller may see."""

    @app.after_request
    def trim_allow(response):
        if request.method == "OPTIONS" and "Allow" in response.headers:
            methods = [m.strip() for m in response.headers["Allow"].split(",")]
            response.headers["Allow"] = ", ".join(sorted(visible_methods(methods)))
        return response
