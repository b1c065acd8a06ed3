"""Approval requests as JSON: the request with its steps, work items and history, and the
people and records they name."""

from sqlalchemy import select

from ..fields.serialize import to_json
from ..schema.system_tables import user
from .flows import pinned_flow
from .tables import approval, history, work_item
from .timing import NO_DUE

#: Fields tried, in order, as a record's title when its object names no ``title_field``.
TITLE_FALLBACKS = ("title", "name", "subject")


def user_names(conn, ids):
    """{user id: display name} of ``ids``."""
    wanted = {uid for uid in ids if uid is not None}
    if not wanted:
        return {}
    rows = conn.execute(select(user.c.id, user.c.display_name).where(user.c.id.in_(wanted)))
    return {row.id: row.display_name for row in rows}


def person(names, user_id):
    """``{"id", "name"}`` of a user, or None."""
    return None if user_id is None else {"id": user_id, "name": names.get(user_id)}


def title_field(obj):
    """The field that names records of ``obj``, or None."""
    named = obj.doc.get("title_field")
    if named:
        return named
    return next((name for name in TITLE_FALLBACKS if name in obj.fields), None)


def record_titles(conn, obj, ids):
    """{record id: title} of ``ids`` (the id as text when the object has no title field)."""
    name = title_field(obj)
    if name is None or name not in obj.table.c:
        return {rid: str(rid) for rid in ids}
    rows = conn.execute(select(obj.table.c.id, obj.table.c[name]).where(obj.table.c.id.in_(set(ids))))
    return {row[0]: None if row[1] is None else str(row[1]) for row in rows}


def due_json(value):
    """A due time as JSON; null for a step without one."""
    return None if value is None or value >= NO_DUE else to_json(value)


def _item_json(item, flow, names):
    return {"id": item["id"], "step": flow.step(item["step"])["name"], "approver": person(names, item["approver_id"]),
            "status": item["status"], "delegated_from": person(names, item["delegated_from"]),
            "due_at": due_json(item["due_at"]), "created_at": to_json(item["created_at"]),
            "decided_at": to_json(item["decided_at"])}


def _history_json(line, flow, names):
    actor = (person(names, line["actor_id"]) if line["actor_id"] is not None
             else {"id": None, "name": f"approval flow {flow.name}"})
    return {"actor": actor, "action": line["action"], "step": line["step"], "comment": line["comment"],
            "at": to_json(line["at"])}


def _steps_json(flow):
    return [{"name": step["name"], "label": step.get("label")} for step in flow.steps]


def _title(conn, obj, instance, record):
    name = title_field(obj)
    if record is not None and name in record:
        return None if record[name] is None else str(record[name])
    return record_titles(conn, obj, [instance["record_id"]]).get(instance["record_id"])


def instance_json(conn, obj, instance, flow=None, *, record=None, items=None):
    """The request ``instance`` (a row) with its flow (the pinned one, unless given), record
    (its title read from ``record``, its current row, when given), steps, work items (``items``,
    all its current work item rows oldest first, when given) and history."""
    flow = flow or pinned_flow(conn, instance["flow"], instance["flow_version"])
    if items is None:
        items = [dict(r) for r in conn.execute(select(work_item).where(work_item.c.instance_id == instance["id"])
                                               .order_by(work_item.c.id)).mappings()]
    lines = [dict(r) for r in conn.execute(select(history).where(history.c.instance_id == instance["id"])
                                           .order_by(history.c.id)).mappings()]
    ids = [instance["submitter_id"]] + [i["approver_id"] for i in items] + [i["delegated_from"] for i in items]
    names = user_names(conn, ids + [line["actor_id"] for line in lines])
    step = None if instance["step"] is None else flow.step(instance["step"])["name"]
    return {
        "id": instance["id"], "flow": {"name": flow.name, "version": flow.version}, "object": instance["object"],
        "record": {"id": instance["record_id"], "title": _title(conn, obj, instance, record)},
        "status": instance["status"], "step": step, "steps": _steps_json(flow),
        "submitted_by": person(names, instance["submitter_id"]), "submitted_at": to_json(instance["submitted_at"]),
        "decided_at": to_json(instance["decided_at"]),
        "work_items": [_item_json(item, flow, names) for item in items],
        "history": [_history_json(line, flow, names) for line in lines],
    }


def latest_for_record(conn, object_name, record_id):
    """The newest request row of the record, or None."""
    query = (select(approval).where(approval.c.object == object_name, approval.c.record_id == record_id)
             .order_by(approval.c.id.desc()).limit(1))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)
