"""GET .../records/export?format=csv|jsonl|xlsx: every record the caller may see, streamed.

The export takes the list route's ``filter``, ``sort``, ``fields`` and equality filters.
Every check runs and the first batch is read inside the view, so a refusal is a problem
document. The rest is read batch by batch while the body streams, after the request's
scope has ended (each batch in its own short read transaction, see ``runtime.export``);
the body needs nothing of the request. Once the last batch is sent, or the client goes
away, the ``records.exported`` audit entry is written with the number of rows sent.
"""

from flask import Response, request

from tessera.i18n import Message
from tessera.runtime.errors import InvalidQuery
from tessera.runtime.records.export import start_export

from ..export_formats import FORMATS
from ..openapi import operation
from ..openapi.components import query
from .common import comma_list, ctx, runtime
from .record_docs import EQUALITY_NOTE, FIELDS, SORT, WHERE
from .record_summaries import split_query


def export_format():
    """The requested ExportFormat's name (``csv`` when absent); anything else answers 400."""
    name = request.args.get("format", "csv")
    if name not in FORMATS:
        raise InvalidQuery("api.export.format", errors={"format": [Message("api.export.formats")]})
    return name


EXPORT_QUERY = (WHERE, query("format", "The file format.", {"type": "string", "enum": list(FORMATS)}), SORT, FIELDS)
TEXT = {"type": "string"}


@operation("export{Object}Records", "Export {object} records as a file", tag="{object}", parameters=EXPORT_QUERY,
           content={"text/csv": TEXT, "application/x-ndjson": TEXT,
                    FORMATS["xlsx"].media_type: {"type": "string", "format": "binary"}}, description=EQUALITY_NOTE)
def export(object_name):
    """Stream the matching records as a file download."""
    name = export_format()
    own, filters = split_query(("format", "sort", "fields"), refused=("limit", "cursor"))
    started = start_export(runtime(), ctx(), object_name, filters=filters, formula=request.args.get("filter"),
                           sort=own.get("sort"), fields=comma_list(own.get("fields")))
    chosen = FORMATS[name]
    headers = {"Content-Disposition": f'attachment; filename="{object_name}.{chosen.extension}"',
               "Cache-Control": "no-store"}
    return Response(_body(started, name), content_type=chosen.media_type, headers=headers)


def _body(started, name):
    """Yield the file; record the export with the rows sent, even when cut short."""
    sent = {"rows": 0, "complete": False}

    def counted():
        for batch in started.batches():
            sent["rows"] += len(batch)
            yield batch
    try:
        yield from FORMATS[name].write(started.columns, started.types, counted())
        sent["complete"] = True
    finally:
        started.record(name, sent["rows"], complete=sent["complete"])


def register(bp):
    """Add the export route to ``bp``."""
    bp.add_url_rule("/objects/<object_name>/records/export", "records_export", export, methods=["GET"])
