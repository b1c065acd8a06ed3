"""Who approves a step: the seven approver shapes resolved through the directory.

``{"user": id}``, ``{"role": name}`` (everyone holding it), ``{"team_head": name}`` (the
members of the team whose manager is not in the team), ``{"manager": {"of": "submitter" |
"owner", "levels": n}}`` (n steps up the manager chain), ``{"manager_up_to_role": name}``
(the nearest manager above the submitter who holds the role), ``{"field": name}`` (a user
field of the record), ``{"formula": expr}`` (a user id computed from the record) and
``{"resolver": {"name": n, "params": {...}}}`` (a plugin's resolver, see docs/plugins.md).
Only active users approve; a role or team the directory does not know is a problem of the
flow, answered as ``approval_flow_invalid``.
"""

from decimal import Decimal

from sqlalchemy import select

from ..errors import ApprovalFlowInvalid, DirectoryEntryNotFound
from ..fields.values import is_record_id
from ..identity.units import find_unit
from ..schema.system_tables import user, user_role
from .flows import evaluate

#: How far up a manager chain is followed before giving up (chains may not loop, but stay bounded).
MAX_CHAIN = 50


def _unit(conn, kind, name):
    try:
        return find_unit(conn, kind, name)
    except DirectoryEntryNotFound:
        raise ApprovalFlowInvalid(f"approval.unknown_{kind}", name=name) from None


def _role_holders(conn, name):
    role_id = _unit(conn, "role", name)["id"]
    rows = conn.execute(select(user_role.c.user_id).where(user_role.c.role_id == role_id).order_by(user_role.c.user_id))
    return [row.user_id for row in rows]


def _team_heads(conn, name):
    team_id = _unit(conn, "team", name)["id"]
    members = {row.id: row.manager_id for row in conn.execute(
        select(user.c.id, user.c.manager_id).where(user.c.team_id == team_id, user.c.active.is_(True)))}
    return sorted(uid for uid, manager in members.items() if manager not in members)


def manager_of(conn, user_id):
    """The manager id of ``user_id`` (None when they have none)."""
    if user_id is None:
        return None
    return conn.execute(select(user.c.manager_id).where(user.c.id == user_id)).scalar()


def _manager(conn, start, levels):
    current = start
    for _ in range(levels):
        current = manager_of(conn, current)
        if current is None:
            return []
    return [current]


def _manager_with_role(conn, start, name):
    role_id = _unit(conn, "role", name)["id"]
    current = manager_of(conn, start)
    for _ in range(MAX_CHAIN):
        if current is None:
            return []
        held = conn.execute(select(user_role.c.user_id).where(user_role.c.user_id == current,
                                                              user_role.c.role_id == role_id)).first()
        if held:
            return [current]
        current = manager_of(conn, current)
    return []


def _as_user_id(value):
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return value if is_record_id(value) else None


def _plugged(conn, spec, request):
    resolver = request.runtime.approver_resolvers.get(spec["name"])
    if resolver is None:
        raise ApprovalFlowInvalid("approval.unknown_resolver", name=spec["name"])
    found = resolver(conn, request, dict(spec.get("params") or {}))
    return [_as_user_id(value) for value in found or ()]


def _one(conn, spec, request):
    if "resolver" in spec:
        return _plugged(conn, spec["resolver"], request)
    if "user" in spec:
        return [spec["user"]]
    if "role" in spec:
        return _role_holders(conn, spec["role"])
    if "team_head" in spec:
        return _team_heads(conn, spec["team_head"])
    if "manager" in spec:
        of = spec["manager"]["of"]
        start = request.submitter_id if of == "submitter" else request.row["owner_id"]
        return _manager(conn, start, spec["manager"].get("levels", 1))
    if "manager_up_to_role" in spec:
        return _manager_with_role(conn, request.submitter_id, spec["manager_up_to_role"])
    if "field" in spec:
        name = spec["field"]
        return [request.row.get("owner_id" if name == "owner" else name)]
    value = evaluate(request.model, request.obj, spec["formula"], request.row, request.env)
    return [_as_user_id(value)]


def _active(conn, ids):
    if not ids:
        return set()
    rows = conn.execute(select(user.c.id).where(user.c.id.in_(ids), user.c.active.is_(True)))
    return {row.id for row in rows}


def resolve(conn, step, request):
    """The distinct active user ids who approve ``step`` for ``request``, in the order the
    step names them; raises ApprovalFlowInvalid when nobody is found."""
    found = []
    for spec in step["approvers"]:
        found.extend(uid for uid in _one(conn, spec, request) if uid is not None and uid not in found)
    active = _active(conn, found)
    approvers = [uid for uid in found if uid in active]
    if not approvers:
        raise ApprovalFlowInvalid("approval.no_approver", step=step["name"])
    return approvers
