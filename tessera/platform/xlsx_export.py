"""Exports as Excel workbooks, written with openpyxl's write-only mode.

Rows go to the workbook batch by batch (openpyxl keeps them in a temporary file, not in
memory), then the finished file is sent in chunks. Numbers are numbers, dates are dates
and booleans are booleans, so the sheet calculates; every text cell is stored as text,
so a value such as ``=HYPERLINK(...)`` is never taken for a formula. A workbook cannot hold
the control characters XML forbids (other than tab and line breaks): each becomes U+FFFD.
"""

import os
import tempfile
from datetime import date
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

CHUNK_BYTES = 1 << 16
NUMBERS = frozenset({"id", "integer", "number", "currency", "percent", "rollup"})


def _value(kind, value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    try:
        if kind in NUMBERS:
            return Decimal(str(value))
        if kind == "date":
            return date.fromisoformat(value)
    except (InvalidOperation, ValueError):
        pass  # a roll-up of dates, say: written as the text the API shows
    if isinstance(value, list):
        value = ";".join(value)
    return _cell_text(str(value))


def _cell_text(text):
    """``text`` as a workbook can hold it: control characters XML forbids become U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)


def _cell(sheet, kind, value):
    found = _value(kind, value)
    cell = WriteOnlyCell(sheet, value=found)
    if isinstance(found, str):
        cell.data_type = "s"
    return cell


def write_xlsx(columns, types, batches):
    """Yield the bytes of a workbook with a header row of ``columns`` and one row per record."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([_cell(sheet, "text", name) for name in columns])
    for batch in batches:
        for record in batch:
            sheet.append([_cell(sheet, types.get(name, "text"), record.get(name)) for name in columns])
    fd, path = tempfile.mkstemp(prefix="tessera-export-", suffix=".xlsx")
    os.close(fd)
    try:
        book.save(path)
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)
