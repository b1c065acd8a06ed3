"""Lookups: a referenced record must exist; deleting a parent restricts, clears or cascades."""

from sqlalchemy import func, select

from tessera.i18n import Message
from tessera.metadata.fieldtypes import lookup_target

from ..errors import RecordInUse, RecordInvalid
from ..schema.system_tables import user


def _target_table(model, target):
    return user if target == "user" else model.objects[target].table


def _reachable(conn, model, field_doc, target, wanted, reader, access):
    """The ids in ``wanted`` that name a record ``reader`` may point ``field_doc`` at (None: any record).

    A lookup needs a record the reader may read; a master-detail field needs a master
    they may edit. One query per field, whatever the number of rows.
    """
    table = _target_table(model, target)
    query = select(table.c.id).where(table.c.id.in_(wanted))
    if reader is not None and target != "user":
        action = "edit" if field_doc["type"] == "master_detail" else "read"
        condition = access.row_filter(reader, model.objects[target], conn, action=action)
        if condition is not None:
            query = query.where(condition)
    return set(conn.execute(query).scalars())


def check_references(conn, model, obj, rows, *, path=lambda i, name: name, reader=None, access=None, current=None):
    """Raise RecordInvalid for every lookup value in ``rows`` that names no record ``reader`` may use.

    With a ``reader`` (a Context, checked by ``access``), a record they may not read, or
    a master they may not edit, is refused exactly as a missing id is, so its existence
    does not leak. Without one (system work) any existing record will do. Values equal
    to the ``current`` row's (an update that keeps a lookup) are not checked again.
    """
    errors = {}
    for name, field_doc in obj.fields.items():
        target = lookup_target(field_doc)
        if not target:
            continue
        kept = None if current is None else current.get(name)
        wanted = {row[name] for row in rows if row.get(name) is not None and row[name] != kept}
        if not wanted:
            continue
        found = _reachable(conn, model, field_doc, target, wanted, reader, access)
        for index, row in enumerate(rows):
            if row.get(name) is not None and row[name] != kept and row[name] not in found:
                errors[path(index, name)] = [Message("record.not_found", object=target, id=row[name])]
    if errors:
        raise RecordInvalid("record.lookup.missing", errors=errors)


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
                "record.in_use", count=len(ids), object=child_name, field=field_doc["name"],
                errors={f"{child_name}.{field_doc['name']}": [Message("record.referred_by", count=len(ids))]},
            )
        actions.append((child, field_doc, action, ids))
    return actions


def count_children(conn, child, field_name, record_id):
    """Count the records of ``child`` whose ``field_name`` points at ``record_id``."""
    column = child.table.c[field_name]
    return conn.execute(select(func.count()).where(column == record_id)).scalar_one()
