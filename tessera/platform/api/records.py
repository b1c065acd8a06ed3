"""Record routes: list, create (one or a batch), read, update, delete, history."""

import re

from flask import current_app, request

from tessera.i18n import Message

from ..jsonio import json_body, json_response
from ..problems import ApiProblem
from ..openapi import operation, ref
from .common import comma_list, ctx, runtime
from .record_docs import CREATE_BODY, CREATED_BATCH, FIELDS, HISTORY, IF_MATCH, IF_MATCH_VALUE, LIST_QUERY

LIST_PARAMETERS = {"filter", "sort", "fields", "limit", "cursor", "q"}
_IF_MATCH = re.compile(IF_MATCH_VALUE)


def etag(record):
    """The entity tag of a record: its version."""
    return f'"{record["version"]}"'


def if_match_version():
    """The version named by an If-Match header, or None when there is none or it is ``*``
    (any version)."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    matched = _IF_MATCH.match(header)
    if matched is None:
        raise ApiProblem(400, "bad_request", "api.if_match.shape", {"If-Match": [Message("api.if_match.not_a_version")]})
    return int(matched.group(1)) if matched.group(1) is not None else None


@operation("list{Object}Records", "List {object} records", tag="{object}", returns=ref("{object}_page"),
           parameters=LIST_QUERY, equality_filters=True)
def list_records(object_name):
    """One page of records; any parameter naming a field filters by equality; ``q`` searches."""
    args = request.args
    filters = {k: v for k, v in args.items() if k not in LIST_PARAMETERS}
    page = runtime().records.list(
        ctx(), object_name, filters=filters, formula=args.get("filter"), sort=args.get("sort"), fields=comma_list(args.get("fields")),
        limit=args.get("limit"), cursor=args.get("cursor"), search=args.get("q"),
    )
    return json_response(page)


@operation("create{Object}Record", "Create one {object} record (or, given an array, a batch)", tag="{object}",
           status="201", body=CREATE_BODY, returns={"anyOf": [ref("{object}"), CREATED_BATCH]})
def create_record(object_name):
    """Create one record (a JSON object) or a batch (a JSON array, all or nothing)."""
    body = json_body()
    service = runtime().records
    if isinstance(body, list):
        limit = current_app.config["MAX_BATCH_SIZE"]
        if not body or len(body) > limit:
            raise ApiProblem(400, "bad_request", "api.batch.size", max=limit)
        ids = service.create_many(ctx(), object_name, body)
        return json_response({"ids": ids}, 201)
    record = service.create(ctx(), object_name, body)
    location = f"{request.path}/{record['id']}"
    return json_response(record, 201, {"Location": location, "ETag": etag(record)})


@operation("get{Object}Record", "Read one {object} record", tag="{object}", returns=ref("{object}"),
           parameters=(FIELDS,))
def get_record(object_name, record_id):
    """One record."""
    args = request.args  # ``in`` first: a missing key makes MultiDict.get build and catch an exception
    record = runtime().records.get(ctx(), object_name, record_id,
                                   fields=comma_list(args.get("fields")) if "fields" in args else None)
    return json_response(record, headers={"ETag": etag(record)})


@operation("update{Object}Record", "Change some fields of one {object} record", tag="{object}",
           body=ref("{object}_update"), returns=ref("{object}"), parameters=(IF_MATCH,))
def patch_record(object_name, record_id):
    """Change some fields; a stale ``version`` or If-Match answers 409."""
    record = runtime().records.update(ctx(), object_name, record_id, json_body(),
                                      expected_version=if_match_version())
    return json_response(record, headers={"ETag": etag(record)})


@operation("delete{Object}Record", "Delete one {object} record", tag="{object}", status="204", parameters=(IF_MATCH,))
def delete_record(object_name, record_id):
    """Delete a record (children follow their lookup's on-delete rule)."""
    runtime().records.delete(ctx(), object_name, record_id, expected_version=if_match_version())
    return "", 204


@operation("get{Object}RecordHistory", "History of one {object} record", tag="{object}", returns=HISTORY)
def record_history(object_name, record_id):
    """Every recorded change of the record, oldest first."""
    return json_response({"items": runtime().records.history(ctx(), object_name, record_id)})


def register(bp):
    """Add the record routes to ``bp``."""
    base = "/objects/<object_name>/records"
    one = f"{base}/<int:record_id>"
    bp.add_url_rule(base, "records_list", list_records, methods=["GET"])
    bp.add_url_rule(base, "records_create", create_record, methods=["POST"])
    bp.add_url_rule(one, "records_get", get_record, methods=["GET"])
    bp.add_url_rule(one, "records_patch", patch_record, methods=["PATCH"])
    bp.add_url_rule(one, "records_delete", delete_record, methods=["DELETE"])
    bp.add_url_rule(f"{one}/history", "records_history", record_history, methods=["GET"])
