"""The OpenAPI 3.1 document, generated from the app's URL map and the routes' declarations.

Every rule under ``/api/`` becomes a path; a rule with ``<object_name>`` becomes one path
per published object, with that object's schemas and tag. A route that declares nothing
(a plugin's, say) is still listed, named after its endpoint, so the document always
equals the URL map.
"""

import re

from .components import SCHEMAS, ref
from .declare import Operation, declaration
from .objects import equality_parameters, object_schemas

API_ROOT = "/api/"
OBJECT_ARGUMENT = "object_name"
METHODS = ("get", "put", "post", "patch", "delete")
PROBLEM_RESPONSE = {"description": "A problem document (RFC 9457)",
                    "content": {"application/problem+json": {"schema": ref("Problem")}}}
SECURITY_SCHEMES = {"bearerAuth": {"type": "http", "scheme": "bearer"},
                    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "tessera_session"}}
ADMIN_ONLY = "x-tessera-admin-only"
DESCRIPTION = ("Every error is a problem document (RFC 9457, application/problem+json). Text anywhere in a "
               "request (query, path, headers, JSON keys and strings) never holds NUL (U+0000) or an unpaired "
               "surrogate: such text is refused (400 in the query, 422 in a body) on every operation.")
_VARIABLE = re.compile(r"<(?:([^:<>(]+)(?:\([^<>]*\))?:)?([^<>]+)>")


def camel(name):
    """``sales_order`` as ``SalesOrder``: the object's part of an operationId."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def path_names(rule):
    """Rule variable -> documented name: an ``x_id`` is the resource's ``id`` unless two ids share the rule."""
    ids = [a for a in rule.arguments if a.endswith("_id")]
    return {a: ("id" if a in ids and len(ids) == 1 else a) for a in rule.arguments if a != OBJECT_ARGUMENT}


def _path_parameters(rule):
    names, converters = path_names(rule), {m.group(2): m.group(1) for m in _VARIABLE.finditer(rule.rule)}
    params = [{"name": name, "in": "path", "required": True,
               "schema": {"type": "integer" if converters.get(argument) == "int" else "string"}}
              for argument, name in names.items()]
    return sorted(params, key=lambda p: p["name"])


def _fill(node, subst):
    """``node`` with each key of ``subst`` replaced in every string; a string that is exactly a
    key whose value is not text (a setting such as ``{max_batch}``) becomes that value."""
    if isinstance(node, str):
        if not isinstance(subst.get(node, ""), str):
            return subst[node]
        for key, value in subst.items():
            if isinstance(value, str):
                node = node.replace(key, value)
        return node
    if isinstance(node, dict):
        return {k: _fill(v, subst) for k, v in node.items()}
    if isinstance(node, list | tuple):
        return [_fill(v, subst) for v in node]
    return node


def _fallback(rule, view):
    """What the document says of a route that declares nothing: its endpoint and docstring."""
    summary = ((view.__doc__ or "").strip().splitlines() or [rule.endpoint])[0]
    blueprint, _, name = rule.endpoint.rpartition(".")
    return Operation(camel(name)[:1].lower() + camel(name)[1:], summary, tag=blueprint or "other",
                     returns={})


def _success(declared):
    response = {"description": declared.summary}
    if declared.content:
        response["content"] = {media: {"schema": schema} for media, schema in declared.content.items()}
    elif declared.returns is not None:
        response["content"] = {"application/json": {"schema": declared.returns}}
    responses = {declared.status: response}
    for status, other in (declared.also or {}).items():
        responses[status] = {"description": other["description"],
                             "content": {"application/json": {"schema": other["schema"]}}}
        if other.get("headers"):
            responses[status]["headers"] = other["headers"]
    return {**responses, "default": PROBLEM_RESPONSE}


def _operation(declared, rule):
    """The OpenAPI operation of ``declared`` on ``rule``, before ``{object}`` is filled in."""
    built = {"operationId": declared.operation_id, "summary": declared.summary, "tags": [declared.tag],
             "responses": _success(declared)}
    declared_paths = {p["name"] for p in declared.parameters if p["in"] == "path"}  # a declaration refines
    parameters = [p for p in _path_parameters(rule) if p["name"] not in declared_paths] + list(declared.parameters)
    if parameters:
        built["parameters"] = parameters
    if declared.description:
        built["description"] = declared.description
    if declared.body is not None:
        built["requestBody"] = {"required": declared.body_required,
                                "content": {declared.body_media: {"schema": declared.body}}}
    if declared.public:
        built["security"] = []
    if declared.admin:
        built[ADMIN_ONLY] = True
    return built


def _for_object(built, declared, model, name, settings):
    """``built`` for object ``name`` (as is when None): names and settings filled in, its
    equality filters added."""
    if name is None:
        return built
    built = _fill(built, {"{object}": name, "{Object}": camel(name), **settings})
    if declared.equality_filters:  # after the fill: field names and labels are the admin's text
        built["parameters"] = built.get("parameters", []) + equality_parameters(model.objects[name])
    return built


def _expansions(rule, model):
    """(path, object name or None) for each path ``rule`` stands for."""
    names = path_names(rule)

    def documented(match):
        return "{" + names[match.group(2)] + "}" if match.group(2) in names else f"<{match.group(2)}>"

    template = _VARIABLE.sub(documented, rule.rule)
    if OBJECT_ARGUMENT not in rule.arguments:
        return [(template, None)]
    marker = f"<{OBJECT_ARGUMENT}>"
    return [(template.replace(marker, name), name) for name in sorted(model.objects)]


def api_paths(app, model):
    """The ``paths`` of the document: every rule under /api/ and each method it serves."""
    paths, settings = {}, {"{max_batch}": app.config["MAX_BATCH_SIZE"]}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.rule.startswith(API_ROOT):
            continue
        view = app.view_functions[rule.endpoint]
        declared = declaration(view) or _fallback(rule, view)
        for method in (m for m in METHODS if m.upper() in rule.methods):
            for path, name in _expansions(rule, model):
                paths.setdefault(path, {})[method] = _for_object(_operation(declared, rule), declared, model, name,
                                                                 settings)
    return paths


def _tags(paths, model):
    used = sorted({tag for item in paths.values() for op in item.values() for tag in op["tags"]})
    return [{"name": tag, "description": model.objects[tag].label()} if tag in model.objects else {"name": tag}
            for tag in used]


def build_document(app, model):
    """The whole OpenAPI 3.1 document of ``app`` for ``model`` (a compiled revision)."""
    schemas = {**SCHEMAS, "ObjectName": {"type": "string", "enum": sorted(model.objects)}}
    for name, obj in sorted(model.objects.items()):
        schemas.update(object_schemas(name, obj, model.field_types))
    paths = api_paths(app, model)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tessera API", "version": f"revision {model.revision}", "description": DESCRIPTION},
        "tags": _tags(paths, model),
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": dict(SECURITY_SCHEMES)},
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
    }
