"""Import files read row by row: CSV (UTF-8, with or without a byte-order mark) and Excel
(``.xlsx``, through openpyxl's read-only mode, which streams the sheet from the file).

Either way a file is read as a header row followed by data rows; a data row comes out as
``(line, {header: cell})`` where ``line`` is the row's number in the file as a spreadsheet
shows it (the header is row 1). Memory stays one row, whatever the size of the file.
"""

import csv
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ..errors import ImportInvalid

FORMATS = ("csv", "xlsx")


def file_format(path, declared=None):
    """The format of the file at ``path``: ``declared`` when given, else from its extension."""
    name = declared or Path(str(path)).suffix.lower().lstrip(".")
    if name not in FORMATS:
        raise ImportInvalid("import.format", errors={"format": ["import.format_choices"]})
    return name


def read_rows(path, fmt):
    """Return (headers, rows): the header row and an iterator of ``(line, {header: cell})``."""
    reader = _csv_rows if fmt == "csv" else _xlsx_rows
    rows = reader(path)
    try:
        headers = [_header(cell) for cell in next(rows)]
    except StopIteration:
        raise ImportInvalid("import.empty_file") from None
    _check_headers(headers)
    return headers, _data(headers, rows)


def count_rows(path, fmt):
    """How many data rows the file holds (a quick pass over it, for progress)."""
    if fmt == "xlsx":
        return max(sum(1 for _ in _xlsx_rows(path)) - 1, 0)
    return max(sum(1 for _ in _csv_rows(path)) - 1, 0)


def _data(headers, rows):
    for line, cells in enumerate(rows, start=2):
        if all(cell in (None, "") for cell in cells):
            continue
        yield line, dict(zip(headers, cells))


def _header(cell):
    return "" if cell is None else str(cell).strip()


def _check_headers(headers):
    seen = set()
    for index, header in enumerate(headers, start=1):
        if not header:
            raise ImportInvalid("import.blank_header", column=index)
        if header in seen:
            raise ImportInvalid("import.duplicate_header", header=header)
        seen.add(header)


def _csv_rows(path):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError as error:
        raise ImportInvalid("import.not_utf8", position=error.start) from None
    except csv.Error as error:
        raise ImportInvalid("import.bad_csv", reason=str(error)) from None


def _xlsx_rows(path):
    from zipfile import BadZipFile

    from openpyxl import load_workbook  # only an Excel import pays for loading openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not the path: openpyxl judges a path by its extension, and an
    # uploaded file waits in a temporary file without one.
    with open(path, "rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise ImportInvalid("import.bad_xlsx") from None
        try:
            for cells in book.worksheets[0].iter_rows(values_only=True):
                yield [cell_text(cell) for cell in cells]
        finally:
            book.close()


def cell_text(cell):
    """An Excel cell as the text an API client would send (dates ISO, numbers exact)."""
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time(0) else cell.isoformat()
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() else str(int(cell))
    if isinstance(cell, (int, Decimal)):
        return str(cell)
    return str(cell)
