"""The approval inbox: a user's pending work items across objects, keyset-paged by (due_at, id).

One indexed query on (approver_id, status, due_at, id) per page, whatever the number of
requests; items without a due time carry ``timing.NO_DUE`` and come last ascending.
"""

import base64
import binascii
import json
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select

from tessera.i18n import Message

from ..errors import InvalidQuery
from ..paging import parse_limit
from .flows import pinned_flow
from .serialize import due_json, person, record_titles, user_names
from .tables import approval, work_item
from ..fields.serialize import to_json

SORTS = ("due_at", "-due_at")


def _bad_cursor():
    return InvalidQuery("approval.inbox_cursor", errors={"cursor": [Message("query.cursor.not_valid")]})


def encode_cursor(due, item_id):
    """The opaque cursor after the item due at ``due`` with id ``item_id``."""
    return base64.urlsafe_b64encode(json.dumps([due.isoformat(), item_id]).encode()).decode().rstrip("=")


def decode_cursor(text):
    """(due, id) of a cursor; raises InvalidQuery."""
    try:
        due, item_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            raise ValueError
        return datetime.fromisoformat(due), item_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def _page_query(user_id, descending, after, limit):
    query = (select(work_item.c.id, work_item.c.instance_id, work_item.c.step, work_item.c.due_at,
                    approval.c.object, approval.c.record_id, approval.c.submitter_id, approval.c.submitted_at,
                    approval.c.flow, approval.c.flow_version)
             .join(approval, approval.c.id == work_item.c.instance_id)
             .where(work_item.c.approver_id == user_id, work_item.c.status == "pending"))
    due, item = work_item.c.due_at, work_item.c.id
    if after is not None:
        if descending:
            query = query.where(or_(due < after[0], and_(due == after[0], item < after[1])))
        else:
            query = query.where(or_(due > after[0], and_(due == after[0], item > after[1])))
    order = (due.desc(), item.desc()) if descending else (due, item)
    return query.order_by(*order).limit(limit + 1)


def _titles(runtime, conn, rows):
    model, titles = runtime.model(conn), {}
    for name in {row.object for row in rows}:
        obj = model.objects.get(name)
        ids = [row.record_id for row in rows if row.object == name]
        found = record_titles(conn, obj, ids) if obj is not None else {}
        titles.update({(name, rid): title for rid, title in found.items()})
    return titles


def inbox_page(runtime, conn, user_id, *, sort=None, cursor=None, limit=None):
    """{"items", "next_cursor"}: ``user_id``'s pending work items in due order (``sort``:
    ``due_at`` or ``-due_at``)."""
    if sort not in (None, *SORTS):
        raise InvalidQuery("approval.inbox_sort", errors={"sort": [Message("input.one_of", choices=", ".join(SORTS))]})
    size = parse_limit(limit)
    after = decode_cursor(cursor) if cursor else None
    rows = list(conn.execute(_page_query(user_id, sort == "-due_at", after, size)))
    more, rows = len(rows) > size, rows[:size]
    names, titles, flows = user_names(conn, [r.submitter_id for r in rows]), _titles(runtime, conn, rows), {}
    items = []
    for row in rows:
        key = (row.flow, row.flow_version)
        flow = flows[key] = flows.get(key) or pinned_flow(conn, *key)
        items.append({"work_item": row.id, "instance": row.instance_id, "object": row.object,
                      "record": {"id": row.record_id, "title": titles.get((row.object, row.record_id))},
                      "step": flow.step(row.step)["name"], "submitted_by": person(names, row.submitter_id),
                      "submitted_at": to_json(row.submitted_at), "due_at": due_json(row.due_at)})
    last = rows[-1] if more else None
    return {"items": items, "next_cursor": encode_cursor(last.due_at, last.id) if last is not None else None}


def pending_count(conn, user_id, at_most):
    """How many pending work items ``user_id`` holds, counting no further than ``at_most + 1``
    (one indexed range of the inbox index)."""
    matching = (select(literal(1).label("one")).where(work_item.c.approver_id == user_id,
                                                     work_item.c.status == "pending")
                .limit(at_most + 1).subquery())
    return conn.execute(select(func.count()).select_from(matching)).scalar_one()
