"""Record totals: GET .../records/count and GET .../records/aggregate.

Both take the list route's filters (any parameter naming a field filters by equality,
``filter`` is a formula) and answer in one SQL statement over the records the caller may see.
"""

from flask import request

from tessera.i18n import Message
from tessera.runtime.errors import InvalidQuery
from tessera.runtime.records.aggregate import aggregate_records, count_records

from ..jsonio import json_response
from ..openapi import operation
from ..openapi.components import ANY_OBJECT, obj, query
from .common import comma_list, ctx, runtime
from .record_docs import EQUALITY_NOTE, SEARCH, WHERE

#: Parameters of the list route that only make sense for pages of records.
PAGE_PARAMETERS = ("sort", "fields", "limit", "cursor")


def split_query(own, refused=PAGE_PARAMETERS):
    """(this route's own parameters, equality filters) of the request; a ``refused`` one answers 400."""
    args = request.args
    present = [name for name in refused if name in args]
    if present:
        raise InvalidQuery("api.param.foreign", param=present[0],
                           errors={name: [Message("api.not_a_parameter")] for name in present})
    filters = {k: v for k, v in args.items() if k not in own and k != "filter"}
    return {k: args[k] for k in own if k in args}, filters


COUNT = obj(("count",), count={"type": "integer", "minimum": 0})
GROUPS = obj(("groups",), groups={"type": "array", "maxItems": 1000, "items": ANY_OBJECT})
AGGREGATE_QUERY = (WHERE, query("group_by", "One or two fields, comma-separated."),
                   query("measures", "count, sum:field, avg:field, min:field, max:field; comma-separated."))


@operation("count{Object}Records", "Count {object} records", tag="{object}", returns=COUNT, parameters=(WHERE, SEARCH),
           description=EQUALITY_NOTE)
def count(object_name):
    """``{"count": n}``: how many records match the filters."""
    own, filters = split_query(("q",))
    total = count_records(runtime(), ctx(), object_name, filters=filters,
                          formula=request.args.get("filter"), search=own.get("q"))
    return json_response({"count": total})


@operation("aggregate{Object}Records", "Aggregate {object} records", tag="{object}", returns=GROUPS,
           parameters=AGGREGATE_QUERY, description=EQUALITY_NOTE)
def aggregate(object_name):
    """``{"groups": [...]}``: ``measures`` per distinct value of the ``group_by`` fields."""
    own, filters = split_query(("group_by", "measures"))
    result = aggregate_records(runtime(), ctx(), object_name,
                               group_by=comma_list(own.get("group_by")), measures=comma_list(own.get("measures")),
                               filters=filters, formula=request.args.get("filter"))
    return json_response(result)


def register(bp):
    """Add the count and aggregate routes to ``bp``."""
    base = "/objects/<object_name>/records"
    bp.add_url_rule(f"{base}/count", "records_count", count, methods=["GET"])
    bp.add_url_rule(f"{base}/aggregate", "records_aggregate", aggregate, methods=["GET"])
