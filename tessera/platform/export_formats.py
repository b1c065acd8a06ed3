"""Export file formats: CSV and JSON Lines, written batch by batch as UTF-8 bytes, and
Excel workbooks (``xlsx``, see ``xlsx_export``).

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
    """One file format: media type, file extension, and how the file is written.

    ``write(columns, types, batches)`` yields the file's bytes; ``types`` maps each
    column to its field type (``id`` for the record id).
    """

    media_type: str
    extension: str
    write: object


def _text_file(header, rows):
    def write(columns, types, batches):
        first = header(columns)
        if first:
            yield first
        for batch in batches:
            yield rows(columns, batch)
    return write


def _xlsx(columns, types, batches):
    from .xlsx_export import write_xlsx  # only an Excel export pays for loading openpyxl

    return write_xlsx(columns, types, batches)


FORMATS = {
    "csv": ExportFormat("text/csv; charset=utf-8", "csv", _text_file(csv_header, csv_rows)),
    "jsonl": ExportFormat("application/x-ndjson; charset=utf-8", "jsonl", _text_file(lambda columns: b"", jsonl_rows)),
    "xlsx": ExportFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
}
