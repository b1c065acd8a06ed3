"""Exports: every record a reader may see, read in keyset-paged batches of the list query.

An export is the list query (``RecordService.list``: the same filters, sort, fields,
field-level security and row filter) followed page by page through its cursor, so the
memory it needs is one batch whatever the number of records. Starting an export runs
every check and reads the first batch, so a refusal comes before anything is sent.

The later batches are read while a response streams, after the web request's scope (and
its read transaction) has ended, so each is read detached from any request scope, in a
short read transaction of its own. An export is therefore not one snapshot: a record
written meanwhile may or may not appear, but the keyset cursor never repeats a record.
"""

import contextvars
from dataclasses import dataclass, field

from ..audit import log as audit

BATCH_SIZE = 1000


@dataclass
class Export:
    """A started export: its columns (``id`` and the fields shown) and its query."""

    runtime: object
    ctx: object
    object_name: str
    columns: list
    query: dict
    batch_size: int
    first: dict = field(repr=False)
    types: dict = field(default_factory=dict)  # column -> field type ("id" for the id)

    def batches(self):
        """Yield each batch of records (JSON-ready dicts), in the sort order, until none are left."""
        page = self.first
        while True:
            yield [{name: item.get(name) for name in self.columns} for item in page["items"]]
            if not page["next_cursor"]:
                return
            page = detached(self.runtime.records.list, self.ctx, self.object_name, **self.query,
                            limit=self.batch_size, cursor=page["next_cursor"])

    def record(self, export_format, rows, *, complete=True):
        """Write the ``records.exported`` audit entry: object, format, query and rows sent."""
        details = {"format": export_format, "filters": self.query["filters"], "filter": self.query["formula"],
                   "sort": self.query["sort"], "fields": self.query["fields"], "rows": rows, "complete": complete}
        detached(self._write_audit, details)

    def _write_audit(self, details):
        with self.runtime.write() as conn:
            audit.record(conn, "records.exported", self.ctx, object_name=self.object_name, details=details)


def detached(function, *args, **kwargs):
    """Call ``function`` outside any request scope, so its reads and writes open their own transactions."""
    return contextvars.Context().run(function, *args, **kwargs)


def start_export(runtime, ctx, object_name, *, filters=None, formula=None, sort=None, fields=None,
                 batch_size=BATCH_SIZE):
    """Check the query as a list would and read the first batch; return the Export.

    Raises what ``RecordService.list`` raises (no read right, a hidden or unknown field,
    a bad filter or sort) before any record leaves.
    """
    query = {"filters": dict(filters or {}), "formula": formula, "sort": sort, "fields": fields}
    first = runtime.records.list(ctx, object_name, **query, limit=batch_size)
    with runtime.read() as conn:
        _, obj = runtime.object_for(conn, object_name)
        readable = runtime.access.object_access(ctx, obj, "read").readable
    names = [n for n in (fields or readable) if n in obj.fields]
    types = {"id": "id", **{n: _output_type(obj.fields[n]) for n in names}}
    return Export(runtime, ctx, object_name, ["id", *dict.fromkeys(names)], query, batch_size, first, types)


def _output_type(field):
    """The type a field's values have in a file: a formula's is the type it returns."""
    return field.get("returns", field["type"]) if field["type"] == "formula" else field["type"]
