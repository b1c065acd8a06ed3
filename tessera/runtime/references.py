"""Lookups: a referenced record must exist; deleting a parent restricts, clears or cascades."""

from sqlalchemy import func, select

from tessera.metadata.fieldtypes import lookup_target

from .errors import RecordInUse, RecordInvalid
from .systables import user


def _target_table(model, target):
    return user if target == "user" else model.objects[target].table


def check_references(conn, model, obj, rows, *, path=lambda i, name: name):
    """Raise RecordInvalid for every lookup value in ``rows`` that names no record."""
    errors = {}
    for name, field_doc in obj.fields.items():
        target = lookup_target(field_doc)
        if not target:
            continue
        wanted = {row[name] for row in rows if row.get(name) is not None}
        if not wanted:
            continue
        table = _target_table(model, target)
        found = set(conn.execute(select(table.c.id).where(table.c.id.in_(wanted))).scalars())
        for index, row in enumerate(rows):
            if row.get(name) is not None and row[name] not in found:
                errors[path(index, name)] = [f"no {target} record with id {row[name]}"]
    if errors:
        raise RecordInvalid("a lookup names a record that does not exist", errors=errors)


def delete_actions(conn, model, obj, record_id):
    """Return [(child object, field doc, action, child ids)] for deleting ``record_id``.

    Raises RecordInUse when a restricting lookup still points at the record.
    """
    actions = []
    for child_name, field_doc in obj.children:
        child = model.objects[child_name]
        column = child.table.c[field_doc["name"]]
        ids = list(conn.execute(select(child.table.c.id).where(column == record_id)).scalars())
        if not ids:
            continue
        action = "cascade" if field_doc["type"] == "master_detail" else field_doc.get("on_delete", "restrict")
        if action == "restrict":
            raise RecordInUse(
                f"{len(ids)} {child_name} record(s) refer to this record through {field_doc['name']}",
                errors={f"{child_name}.{field_doc['name']}": [f"{len(ids)} record(s) refer to it"]},
            )
        actions.append((child, field_doc, action, ids))
    return actions


def count_children(conn, child, field_name, record_id):
    """Count the records of ``child`` whose ``field_name`` points at ``record_id``."""
    column = child.table.c[field_name]
    return conn.execute(select(func.count()).where(column == record_id)).scalar_one()
