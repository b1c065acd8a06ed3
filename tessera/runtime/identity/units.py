"""Teams and roles: named units in a hierarchy (a tree each), managed by administrators.

Both kinds behave alike: a unique identifier ``name``, a per-locale ``label`` and an
optional ``parent``. A role sees what the roles below it see; a team's members are
reached by what is shared with any team above theirs.
"""

from sqlalchemy import delete, func, insert, select, update

from tessera.i18n import Message
from tessera.metadata.names import name_problem
from tessera.metadata.store import utcnow

from ..errors import DirectoryConflict, DirectoryEntryNotFound, RecordInvalid
from ..schema.system_tables import kpi_target, role, team, user, user_role
from . import version as directory_version

UNIT_TABLES = {"team": team, "role": role}
MAX_DEPTH = 64


def _table(kind):
    return UNIT_TABLES[kind]


def tree(conn, kind):
    """Return {id: (name, parent_id)} for every unit of ``kind``."""
    table = _table(kind)
    return {row.id: (row.name, row.parent_id) for row in conn.execute(select(table.c.id, table.c.name, table.c.parent_id))}


def ancestors(units, unit_id):
    """The ids of ``unit_id`` and every unit above it, nearest first (stops on a broken chain)."""
    found = []
    while unit_id is not None and unit_id in units and unit_id not in found and len(found) < MAX_DEPTH:
        found.append(unit_id)
        unit_id = units[unit_id][1]
    return found


def descendants(units, unit_ids):
    """The ids strictly below any of ``unit_ids``."""
    children = {}
    for uid, (_, parent) in units.items():
        children.setdefault(parent, []).append(uid)
    found, pending = set(), list(unit_ids)
    while pending:
        for child in children.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found - set(unit_ids)


def unit_json(row, units):
    """The JSON form of a team or role row."""
    parent = units.get(row["parent_id"])
    return {"id": row["id"], "name": row["name"], "label": row["label"] or {},
            "parent": parent[0] if parent else None}


def list_units(conn, kind):
    """Every team (or role), by name."""
    table, units = _table(kind), tree(conn, kind)
    rows = conn.execute(select(table).order_by(table.c.name)).mappings()
    return [unit_json(row, units) for row in rows]


def find_unit(conn, kind, name):
    """The row of unit ``name`` or raise DirectoryEntryNotFound."""
    table = _table(kind)
    row = conn.execute(select(table).where(table.c.name == name)).mappings().first() if isinstance(name, str) else None
    if row is None:
        raise DirectoryEntryNotFound(f"identity.{kind}.not_found", errors={kind: [Message("input.does_not_exist")]})
    return row


def get_unit(conn, kind, name):
    """The JSON form of unit ``name``."""
    return unit_json(find_unit(conn, kind, name), tree(conn, kind))


def _check_label(label):
    valid = label is None or (isinstance(label, dict) and all(
        isinstance(k, str) and isinstance(v, str) and len(v) <= 1000 for k, v in label.items()))
    if not valid:
        raise RecordInvalid("identity.unit.label_shape", errors={"label": [Message("identity.unit.label_shape")]})


def _parent_id(conn, kind, parent):
    if parent is None:
        return None
    if not isinstance(parent, str):
        raise RecordInvalid("identity.unit.parent_shape", errors={"parent": [Message("input.name_or_null")]})
    return find_unit(conn, kind, parent)["id"]


def create_unit(conn, kind, name, *, label=None, parent=None):
    """Create a team or role; return its JSON. A bad or taken name raises."""
    problem = name_problem(name)
    if problem:
        raise RecordInvalid(f"identity.{kind}.name_invalid", errors={"name": [problem]})
    _check_label(label)
    table = _table(kind)
    if conn.execute(select(table.c.id).where(table.c.name == name)).first():
        raise DirectoryConflict(f"identity.{kind}.exists", errors={"name": [Message("input.taken")]})
    values = {"name": name, "label": label, "parent_id": _parent_id(conn, kind, parent), "created_at": utcnow()}
    conn.execute(insert(table).values(**values))
    directory_version.bump(conn)
    return get_unit(conn, kind, name)


def update_unit(conn, kind, name, changes):
    """Change the ``label`` and/or ``parent`` of a unit; a parent below it (a cycle) is refused."""
    unknown = sorted(set(changes) - {"label", "parent"})
    if unknown:
        raise RecordInvalid(f"identity.{kind}.fixed_fields",
                            errors={k: [Message("input.cannot_change")] for k in unknown})
    row, table, values = find_unit(conn, kind, name), _table(kind), {}
    if "label" in changes:
        _check_label(changes["label"])
        values["label"] = changes["label"]
    if "parent" in changes:
        parent_id = _parent_id(conn, kind, changes["parent"])
        if parent_id is not None and row["id"] in ancestors(tree(conn, kind), parent_id):
            raise DirectoryConflict(f"identity.{kind}.below_itself", errors={"parent": [Message("input.cycle")]})
        values["parent_id"] = parent_id
    if values:
        conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
        directory_version.bump(conn)
    return get_unit(conn, kind, name)


def _refuse_with_targets(conn, team_id):
    """Raise DirectoryConflict when KPI targets are set for the team: they are the past and
    planned measure of its scorecards, which deleting the team would leave pointing nowhere."""
    count = conn.execute(select(func.count()).where(kpi_target.c.subject_type == "team",
                                                    kpi_target.c.subject_id == team_id)).scalar_one()
    if count:
        raise DirectoryConflict("identity.team.has_targets", count=count,
                                errors={"name": [Message("identity.unit.has_targets")]})


def delete_unit(conn, kind, name):
    """Delete a unit without sub-units (and, for a team, without KPI targets); its members lose
    it. Return the deleted unit's id."""
    row, table = find_unit(conn, kind, name), _table(kind)
    children = conn.execute(select(func.count()).where(table.c.parent_id == row["id"])).scalar_one()
    if children:
        raise DirectoryConflict(f"identity.{kind}.has_children", count=children,
                                errors={"name": [Message("identity.unit.has_children")]})
    if kind == "team":
        _refuse_with_targets(conn, row["id"])
    if kind == "role":
        conn.execute(delete(user_role).where(user_role.c.role_id == row["id"]))
    else:
        conn.execute(update(user).where(user.c.team_id == row["id"]).values(team_id=None))
    conn.execute(delete(table).where(table.c.id == row["id"]))
    directory_version.bump(conn)
    return row["id"]
