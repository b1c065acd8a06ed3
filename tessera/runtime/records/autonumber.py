"""Auto-number fields: formats like ``CT-{YYYY}-{0000}`` over one counter per field.

The counter never resets (as in the major CRMs); date tokens show the creation date.
"""

import re

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..schema.system_tables import counter

TOKEN = re.compile(r"\{(YYYY|YY|MM|DD|0+)\}")


def format_number(pattern, number, when):
    """Render ``pattern`` for sequence ``number`` created at ``when``."""
    def replace(match):
        token = match.group(1)
        if token[0] == "0":
            return str(number).zfill(len(token))
        return {"YYYY": f"{when.year:04d}", "YY": f"{when.year % 100:02d}",
                "MM": f"{when.month:02d}", "DD": f"{when.day:02d}"}[token]

    return TOKEN.sub(replace, pattern)


def allocate(conn, name, count):
    """Reserve ``count`` consecutive numbers of counter ``name``; return the first."""
    row = conn.execute(select(counter.c.value).where(counter.c.name == name).with_for_update()).first()
    if row is None:
        try:
            with conn.begin_nested():
                conn.execute(insert(counter).values(name=name, value=count))
            return 1
        except IntegrityError:
            return allocate(conn, name, count)
    conn.execute(update(counter).where(counter.c.name == name).values(value=row[0] + count))
    return row[0] + 1


def fill_auto_numbers(conn, obj, rows, when):
    """Give each new row its auto-number values, in order."""
    for name, field_doc in obj.fields.items():
        if field_doc["type"] != "auto_number":
            continue
        first = allocate(conn, f"{obj.name}.{name}", len(rows))
        for offset, row in enumerate(rows):
            row[name] = format_number(field_doc["format"], first + offset, when)
