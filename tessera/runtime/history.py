"""Field history: one row per changed field, written with the change itself."""

from sqlalchemy import select

from .serialize import to_json
from .systables import field_history


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
