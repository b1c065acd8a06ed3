"""Scheme assignments: effective-dated "this person is measured by that scheme" rows.

An assignment runs from its ``from`` day to its ``to`` day, both inclusive (``to`` null:
open-ended). One person may hold assignments to several schemes at once, but never two
overlapping ones to the same scheme.
"""

from sqlalchemy import and_, delete, insert, or_, select

from tessera.i18n import Message
from tessera.metadata.kinds import KINDS
from tessera.metadata.names import name_problem
from tessera.metadata.store import utcnow

from ..errors import AssignmentOverlap, PerformanceEntryNotFound
from ..schema.system_tables import scheme_assignment as table
from .inputs import Problems, is_id, parse_date, parse_user, unknown_fields
from . import data_version

FIELDS = ("scheme", "user", "from", "to")
SCHEME_KIND = "kpi_scheme"


def assignment_json(row):
    """``{"id", "scheme", "user", "from", "to"}`` of an assignment row (dates as ISO text)."""
    return {"id": row.id, "scheme": row.scheme, "user": row.user_id, "from": row.valid_from.isoformat(),
            "to": row.valid_to.isoformat() if row.valid_to else None}


def check_assignment(conn, model, body):
    """(scheme, user id, from, to) of an assignment body; raises PerformanceInputInvalid."""
    problems = Problems("performance.assignment.invalid")
    unknown_fields(problems, body, FIELDS)
    scheme = _scheme(problems, model, body.get("scheme"))
    user_id = parse_user(problems, conn, body.get("user"))
    start = parse_date(problems, "from", body.get("from"))
    end = parse_date(problems, "to", body.get("to"), nullable=True)
    if start and end and end < start:
        problems.add("to", Message("performance.assignment.to_before_from"))
    problems.raise_any()
    return scheme, user_id, start, end


def _scheme(problems, model, name):
    """The scheme name: a published ``kpi_scheme`` once that kind exists, else a well-shaped name."""
    shape = name_problem(name)
    if shape is not None:
        problems.add("scheme", shape)
        return None
    if SCHEME_KIND in KINDS and (SCHEME_KIND, name) not in model.documents:
        problems.add("scheme", Message("performance.scheme.not_found", name=name))
        return None
    return name


def write_assignment(conn, ctx, scheme, user_id, start, end):
    """Store an assignment and return its row; raises AssignmentOverlap when the person is
    already assigned to ``scheme`` on one of its days."""
    clash = windows_query(scheme=scheme, users=[user_id], start=start, end=end)
    found = conn.execute(clash).first()
    if found is not None:
        raise AssignmentOverlap("performance.assignment.overlap", scheme=scheme, id=found.id,
                                errors={"from": [Message("performance.assignment.overlaps", id=found.id)]})
    row = {"scheme": scheme, "user_id": user_id, "valid_from": start, "valid_to": end,
           "created_by": ctx.user_id, "created_at": utcnow()}
    new_id = conn.execute(insert(table).returning(table.c.id), [row]).scalar_one()
    data_version.bump(conn)
    return conn.execute(select(table).where(table.c.id == new_id)).first()


def windows_query(*, scheme=None, users=(), start=None, end=None):
    """The assignment rows of ``scheme`` and ``users`` (all when empty) overlapping [start, end]."""
    query = select(table)
    if scheme is not None:
        query = query.where(table.c.scheme == scheme)
    if users:
        query = query.where(table.c.user_id.in_(sorted(set(users))))
    if end is not None:
        query = query.where(table.c.valid_from <= end)
    if start is not None:
        query = query.where(or_(table.c.valid_to.is_(None), table.c.valid_to >= start))
    return query.order_by(table.c.user_id, table.c.valid_from, table.c.id)


def assignment_windows(conn, *, scheme=None, users=(), start, end):
    """{user_id: [(scheme name, from date, to date or None)]} of the assignments overlapping
    [``start``, ``end``] (both inclusive), of ``scheme`` (all schemes when None) and
    ``users`` (everyone when empty), each person's in date order. One query."""
    found = {}
    for row in conn.execute(windows_query(scheme=scheme, users=users, start=start, end=end)):
        found.setdefault(row.user_id, []).append((row.scheme, row.valid_from, row.valid_to))
    return found


def list_assignments(conn, *, scheme=None, user_id=None, visible_user=None, after=0, limit=100):
    """Assignment rows by id after ``after``; ``visible_user`` limits them to one person's."""
    query = select(table).where(table.c.id > after)
    if scheme is not None:
        query = query.where(table.c.scheme == scheme)
    for one in (user_id, visible_user):
        if one is not None:
            query = query.where(table.c.user_id == one)
    return conn.execute(query.order_by(table.c.id).limit(limit)).all()


def delete_assignment(conn, assignment_id):
    """Delete assignment ``assignment_id`` and return its row; raises PerformanceEntryNotFound."""
    row = conn.execute(select(table).where(and_(table.c.id == assignment_id))).first() \
        if is_id(assignment_id) else None
    if row is None:
        raise PerformanceEntryNotFound("performance.assignment.not_found", id=assignment_id)
    conn.execute(delete(table).where(table.c.id == row.id))
    data_version.bump(conn)
    return row
