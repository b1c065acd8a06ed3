"""Field history: one row per changed field, written with the change itself."""

from sqlalchemy import case, func, insert, literal_column, select

from tessera.metadata.fieldtype_registry import field_type_of

from ..fields.serialize import to_json
from ..schema.system_tables import field_history


def history_rows(obj, record_id, diff, actor_id, when, event_id):
    """Return the history rows for ``diff`` ({field: {"old", "new"}}) of one record."""
    return [
        {"object": obj.name, "record_id": record_id, "field": name, "old_value": change["old"],
         "new_value": change["new"], "actor_id": actor_id, "changed_at": when, "event_id": event_id}
        for name, change in diff.items() if _kept(obj, name)
    ]


def _kept(obj, name):
    """System columns (the owner) always keep history; a field as its type says."""
    kind = obj.value_types.get(name)
    return kind is None or kind.history


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


def json_null(dialect):
    """The JSON ``null`` literal, as history rows hold it for an absent value."""
    return literal_column("'null'::json") if dialect == "postgresql" else func.json("null")


def stored_json(expr, field_doc, dialect):
    """SQL rendering ``expr``, a stored value of ``field_doc``, as the JSON ``to_json`` makes of it
    (the field's type, among those in force, says how)."""
    return case((expr.is_(None), json_null(dialect)), else_=field_type_of(field_doc).json_sql(expr, field_doc, dialect))


HISTORY_COLUMNS = ["object", "record_id", "field", "old_value", "new_value", "actor_id", "changed_at", "event_id"]


def append_history_from(conn, query):
    """Insert the history rows ``query`` selects, in the column order of ``HISTORY_COLUMNS``."""
    conn.execute(insert(field_history).from_select(HISTORY_COLUMNS, query))
