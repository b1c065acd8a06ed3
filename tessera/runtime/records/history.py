"""Field history: one row per changed field, written with the change itself."""

from sqlalchemy import String, Text, case, cast, func, insert, literal, literal_column, select, type_coerce

from tessera.metadata.fieldtypes import numeric_shape

from ..fields.serialize import to_json
from ..schema.system_tables import field_history


def history_rows(obj, record_id, diff, actor_id, when, event_id):
    """Return the history rows for ``diff`` ({field: {"old", "new"}}) of one record."""
    return [
        {"object": obj.name, "record_id": record_id, "field": name, "old_value": change["old"],
         "new_value": change["new"], "actor_id": actor_id, "changed_at": when, "event_id": event_id}
        for name, change in diff.items()
    ]


def read_history(conn, obj, row, readable):
    """Return the creation entry and every field change of ``row`` the reader may see."""
    query = (
        select(field_history)
        .where(field_history.c.object == obj.name, field_history.c.record_id == row["id"])
        .order_by(field_history.c.id)
    )
    entries = [{"action": "created", "field": None, "old": None, "new": None,
                "actor": row["created_by"], "at": to_json(row["created_at"])}]
    allowed = set(readable)
    for change in conn.execute(query).mappings():
        if change["field"] not in allowed:
            continue
        entries.append({"action": "changed", "field": change["field"], "old": change["old_value"],
                        "new": change["new_value"], "actor": change["actor_id"],
                        "at": to_json(change["changed_at"])})
    return entries


# -- field values rendered as JSON inside SQL (set-based writers, e.g. confirmed migrations) --

TEXT_TYPES = {"text", "long_text", "email", "phone", "url", "picklist", "auto_number"}
DECIMAL_TYPES = {"number", "currency", "percent"}


def json_null(dialect):
    """The JSON ``null`` literal, as history rows hold it for an absent value."""
    return literal_column("'null'::json") if dialect == "postgresql" else func.json("null")


def _pg_json(expr, field_doc):
    kind = field_doc["type"]
    if kind == "multi_picklist":
        return func.to_json(func.string_to_array(expr, ";"))
    if kind == "date":
        return func.to_json(func.to_char(expr, "YYYY-MM-DD"))
    if kind == "datetime":
        shown = func.replace(func.to_char(expr, 'YYYY-MM-DD"T"HH24:MI:SS.US'), ".000000", "")
        return func.to_json(type_coerce(shown, String).concat("Z"))
    if kind in TEXT_TYPES or kind in DECIMAL_TYPES:
        return func.to_json(cast(expr, Text))  # decimals travel as exact strings
    return func.to_json(expr)


def _sqlite_json_list(expr):
    escaped = func.replace(func.replace(expr, "\\", "\\\\"), '"', '\\"')
    for char, escape in (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        escaped = func.replace(escaped, char, escape)
    items = literal('["').concat(func.replace(escaped, ";", '","')).concat('"]')
    return case((expr == "", func.json_array()), else_=func.json(items))


def _sqlite_json(expr, field_doc):
    kind = field_doc["type"]
    if kind == "multi_picklist":
        return _sqlite_json_list(expr)
    if kind in DECIMAL_TYPES:
        # SQLite keeps REALs; SQLAlchemy reads them back formatted to the field's scale.
        return func.json_quote(func.printf(f"%.{numeric_shape(field_doc)[1]}f", expr))
    if kind == "boolean":
        return func.json(case((expr, "true"), else_="false"))
    if kind == "datetime":
        shown = func.substr(expr, 1, 10).concat("T").concat(func.substr(expr, 12))
        return func.json_quote(type_coerce(func.replace(shown, ".000000", ""), String).concat("Z"))
    return func.json_quote(expr)


def stored_json(expr, field_doc, dialect):
    """SQL rendering ``expr``, a stored value of ``field_doc``, as the JSON ``to_json`` makes of it."""
    render = _pg_json if dialect == "postgresql" else _sqlite_json
    return case((expr.is_(None), json_null(dialect)), else_=render(expr, field_doc))


HISTORY_COLUMNS = ["object", "record_id", "field", "old_value", "new_value", "actor_id", "changed_at", "event_id"]


def append_history_from(conn, query):
    """Insert the history rows ``query`` selects, in the column order of ``HISTORY_COLUMNS``."""
    conn.execute(insert(field_history).from_select(HISTORY_COLUMNS, query))
