"""Export file formats: CSV and JSON Lines, written batch by batch as UTF-8 bytes.

Values arrive in their JSON form (decimals as exact strings, ISO dates, UTC datetimes
ending in Z), so both formats carry exactly what the JSON API returns. In CSV, NULL is an
empty cell, booleans are ``true``/``false`` and multi-picklist values are joined by ``;``.
Cells are written as they are: no quote is put in front of text starting with ``=``, ``+``,
``-`` or ``@``, so the file round-trips (negative amounts included).
"""

import csv
import io
import json
from dataclasses import dataclass


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def csv_header(columns):
    """The header row: the column names."""
    return csv_rows(columns, [dict(zip(columns, columns))])


def csv_rows(columns, records):
    """The CSV lines (RFC 4180, CRLF) of ``records``, one per record, in ``columns`` order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([_cell(record.get(name)) for name in columns] for record in records)
    return buffer.getvalue().encode("utf-8")


def jsonl_rows(columns, records):
    """One JSON object per line for each record, keys in ``columns`` order."""
    lines = (json.dumps({name: record.get(name) for name in columns}, ensure_ascii=False, separators=(",", ":"))
             for record in records)
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


@dataclass(frozen=True)
class ExportFormat:
    """One file format: media type, file extension, how a header and a batch of rows are written."""

    media_type: str
    extension: str
    header: object
    rows: object


FORMATS = {
    "csv": ExportFormat("text/csv; charset=utf-8", "csv", csv_header, csv_rows),
    "jsonl": ExportFormat("application/x-ndjson; charset=utf-8", "jsonl", lambda columns: b"", jsonl_rows),
}
