"""The OpenAPI 3.1 document: static routes plus every published object's records."""

PROBLEM = {"$ref": "#/components/schemas/Problem"}


def field_schema(field_doc, field_type, mode="read"):
    """The JSON Schema of one field's value as the API returns it (``mode="read"``) or takes it
    (``"write"``): what its FieldType says, titled and nullable."""
    schema = dict(field_type.openapi_schema(field_doc, mode))
    label = (field_doc.get("label") or {}).get("en")
    if label:
        schema["title"] = label
    return {**schema, "type": [schema["type"], "null"]} if "type" in schema else schema


def record_schema(obj, field_types):
    """The schema of a record of ``obj`` as returned by the API."""
    properties = {
        "id": {"type": "integer", "readOnly": True},
        "version": {"type": "integer", "readOnly": True},
        "owner": {"type": "integer", "readOnly": True},
        "created_at": {"type": "string", "format": "date-time", "readOnly": True},
        "created_by": {"type": "integer", "readOnly": True},
        "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
        "updated_by": {"type": "integer", "readOnly": True},
    }
    properties.update({name: field_schema(f, field_types[f["type"]]) for name, f in obj.fields.items()})
    required = [n for n, f in obj.fields.items() if f.get("required")]
    for name in required:  # a required field is never null
        kinds = properties[name].get("type")
        if isinstance(kinds, list):
            properties[name] = {**properties[name], "type": [k for k in kinds if k != "null"][0]}
    return {"type": "object", "title": obj.label(), "properties": properties, "required": required}


def equality_parameters(obj):
    """One query parameter per stored field of ``obj``: the list's equality filters."""
    return [{"name": name, "in": "query", "description": "Equal to this value (empty: no value).",
             "schema": {"type": "string"}}
            for name in obj.stored_fields if obj.value_types[name].filterable]


def _op(summary, responses, **extra):
    base = {"summary": summary, "responses": {**responses, "default": {"description": "Problem",
            "content": {"application/problem+json": {"schema": PROBLEM}}}}}
    return {**base, **extra}


def _json(schema):
    return {"content": {"application/json": {"schema": schema}}}


def object_paths(name):
    """The record paths of object ``name``."""
    ref = {"$ref": f"#/components/schemas/{name}"}
    record_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    list_params = [{"name": p, "in": "query", "schema": {"type": "string"}} for p in ("filter", "sort", "fields", "cursor")]
    list_params.append({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}})
    page = {"type": "object", "properties": {"items": {"type": "array", "items": ref},
                                             "next_cursor": {"type": ["string", "null"]}}}
    base, one = f"/api/v1/objects/{name}/records", f"/api/v1/objects/{name}/records/{{id}}"
    return {
        base: {
            "get": _op(f"List {name} records", {"200": {"description": "A page", **_json(page)}}, parameters=list_params),
            "post": _op(f"Create a {name} record", {"201": {"description": "Created", **_json(ref)}}, requestBody=_json(ref)),
        },
        one: {
            "parameters": [record_id],
            "get": _op(f"Read a {name} record", {"200": {"description": "The record", **_json(ref)}}),
            "patch": _op(f"Update a {name} record", {"200": {"description": "Updated", **_json(ref)}}, requestBody=_json(ref)),
            "delete": _op(f"Delete a {name} record", {"204": {"description": "Deleted"}}),
        },
        f"{one}/history": {
            "parameters": [record_id],
            "get": _op(f"History of a {name} record", {"200": {"description": "Changes"}}),
        },
        **summary_paths(name),
    }


EQUALITY_NOTE = "Any other query parameter that names a readable field filters by equality, as for the list."


def _query(name, description, schema=None):
    return {"name": name, "in": "query", "description": description, "schema": schema or {"type": "string"}}


def summary_paths(name):
    """The count, aggregate and export paths of object ``name`` (no field is named: the document is shared)."""
    base, text = f"/api/v1/objects/{name}/records", {"schema": {"type": "string"}}
    where = _query("filter", "A boolean formula, as for the list.")
    count = {"type": "object", "properties": {"count": {"type": "integer", "minimum": 0}}}
    groups = {"type": "object", "properties": {"groups": {"type": "array", "maxItems": 1000, "items": {"type": "object"}}}}
    aggregate_params = [where, _query("group_by", "One or two fields, comma-separated."),
                        _query("measures", "count, sum:field, avg:field, min:field, max:field; comma-separated.")]
    export_params = [where, _query("format", "The file format.", {"type": "string", "enum": ["csv", "jsonl"]}),
                     _query("sort", "As for the list."), _query("fields", "As for the list.")]
    return {
        f"{base}/count": {"get": _op(f"Count {name} records", {"200": {"description": "The count", **_json(count)}},
                                     parameters=[where], description=EQUALITY_NOTE)},
        f"{base}/aggregate": {"get": _op(f"Aggregate {name} records", {"200": {"description": "Groups", **_json(groups)}},
                                         parameters=aggregate_params, description=EQUALITY_NOTE)},
        f"{base}/export": {"get": _op(f"Export {name} records", {"200": {"description": "A file", "content": {
            "text/csv": text, "application/x-ndjson": text}}}, parameters=export_params, description=EQUALITY_NOTE)},
    }


def static_paths():
    """The paths that exist whatever the metadata."""
    kind = {"name": "kind", "in": "path", "required": True, "schema": {"type": "string"}}
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    ok = {"200": {"description": "OK"}}
    return {
        "/api/v1/health": {"get": {**_op("Health check", ok), "security": []}},
        "/api/v1/metadata/plan": {"get": _op("Dry-run the next publish", ok)},
        "/api/v1/metadata/publish": {"post": _op("Publish every pending draft", ok)},
        "/api/v1/metadata/revisions": {"get": _op("Published revisions", ok)},
        "/api/v1/metadata/{kind}": {"parameters": [kind], "get": _op("List documents", ok),
                                    "post": _op("Create a draft", {"201": {"description": "Created"}})},
        "/api/v1/metadata/{kind}/{name}": {"parameters": [kind, name], "get": _op("Read a document", ok),
                                           "put": _op("Save a draft", ok), "delete": _op("Delete at next publish", ok)},
        "/api/v1/openapi.json": {"get": _op("This document", ok)},
    }


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "code": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def build_document(model, extra_paths=None):
    """The whole OpenAPI 3.1 document for ``model`` (a compiled revision)."""
    paths = static_paths()
    schemas = {"Problem": PROBLEM_SCHEMA}
    for name, obj in sorted(model.objects.items()):
        paths.update(object_paths(name))
        paths[f"/api/v1/objects/{name}/records"]["get"]["parameters"] += equality_parameters(obj)
        schemas[name] = record_schema(obj, model.field_types)
    paths.update(extra_paths or {})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tessera API", "version": f"revision {model.revision}"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }
