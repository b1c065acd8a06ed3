"""The audit log: an append-only record of security-relevant events.

Events are written on the caller's connection, so an audited change and its audit row
commit together. Nothing in Tessera updates or deletes audit rows, and the database
refuses to (triggers created with the table, see ``directory_tables``).
"""

import base64
import binascii
import re

from sqlalchemy import insert, select

from tessera.i18n import Message
from tessera.metadata.store import utcnow

from ..schema.system_tables import audit_log
from ..errors import InvalidQuery
from ..paging import parse_limit
from ..fields.serialize import digits_id, parse_value, to_json

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
EVENT_PATTERN = re.compile(r"^[a-z_]+(\.[a-z_]+)*\.?$")
FILTERS = ("event", "actor", "object", "record_id", "outcome", "subject", "since", "until", "limit", "cursor")


def entry(event, ctx=None, *, outcome="success", actor_id=None, actor=None, ip=None,
          object_name=None, record_id=None, subject=None, details=None):
    """One audit row; actor, token and address come from ``ctx`` unless given."""
    return {
        "at": utcnow(), "event": event, "outcome": outcome,
        "actor_id": actor_id if actor_id is not None else getattr(ctx, "user_id", None),
        "actor": actor if actor is not None else getattr(ctx, "username", None),
        "token_id": getattr(ctx, "token_id", None),
        "ip": ip if ip is not None else getattr(ctx, "ip", None),
        "object": object_name, "record_id": record_id,
        "subject": None if subject is None else str(subject)[:255],
        "details": details,
    }


def record(conn, event, ctx=None, **fields):
    """Append one event (``fields`` as ``entry`` takes them)."""
    conn.execute(insert(audit_log).values(**entry(event, ctx, **fields)))


def record_many(conn, rows):
    """Append the ``entry`` rows ``rows`` in one statement."""
    if rows:
        conn.execute(insert(audit_log), rows)


def entry_json(row):
    """The JSON form of one audit row."""
    return {"id": row["id"], "at": to_json(row["at"]), "event": row["event"], "outcome": row["outcome"],
            "actor_id": row["actor_id"], "actor": row["actor"], "token_id": row["token_id"], "ip": row["ip"],
            "object": row["object"], "record_id": row["record_id"], "subject": row["subject"],
            "details": row["details"]}


def _cursor(text):
    try:
        value = int(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        value = 0
    if value <= 0:
        raise InvalidQuery("query.cursor.invalid", errors={"cursor": [Message("query.cursor.not_valid")]})
    return value


def _id(name, text):
    """The id a filter names: ASCII digits within the id range (else InvalidQuery)."""
    value = digits_id(text)
    if value is None:
        raise InvalidQuery("query.param.invalid_value", param=name, value=repr(text), type="id",
                           errors={name: [Message("query.invalid_value", type="id")]})
    return value


def _limit(text):
    return parse_limit(text, default=DEFAULT_LIMIT, most=MAX_LIMIT)


def _event_condition(text):
    if not EVENT_PATTERN.fullmatch(text):
        raise InvalidQuery("audit.event.shape", errors={"event": [Message("audit.event.not_a_name")]})
    return audit_log.c.event.startswith(text, autoescape=True) if text.endswith(".") else audit_log.c.event == text


def conditions(params):
    """Turn the query parameters of an audit search into SQL conditions."""
    unknown = sorted(set(params) - set(FILTERS))
    if unknown:
        raise InvalidQuery("audit.filter.unknown", filters=", ".join(unknown),
                           errors={k: [Message("audit.filter.not_a_filter")] for k in unknown})
    found = []
    if "event" in params:
        found.append(_event_condition(params["event"]))
    for name, column in (("actor", audit_log.c.actor_id), ("record_id", audit_log.c.record_id)):
        if name in params:
            found.append(column == _id(name, params[name]))
    for name in ("object", "outcome", "subject"):
        if params.get(name):
            found.append(audit_log.c[name] == params[name])
    if "since" in params:  # given, even empty, it must be a time
        found.append(audit_log.c.at >= parse_value("datetime", params["since"], label="since"))
    if "until" in params:
        found.append(audit_log.c.at < parse_value("datetime", params["until"], label="until"))
    return found


def search(conn, params):
    """One page {"items", "next_cursor"} of audit entries matching ``params``, newest first."""
    size = _limit(params.get("limit"))
    query = select(audit_log).where(*conditions(params))
    if params.get("cursor"):
        query = query.where(audit_log.c.id < _cursor(params["cursor"]))
    rows = conn.execute(query.order_by(audit_log.c.id.desc()).limit(size + 1)).mappings().all()
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = base64.urlsafe_b64encode(str(rows[-1]["id"]).encode()).decode().rstrip("=") if more else None
    return {"items": [entry_json(row) for row in rows], "next_cursor": next_cursor}
