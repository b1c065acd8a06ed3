"""Assignment strategies: each turns an assignment's parameters into the user who gets a record.

A strategy is called as ``strategy(call)`` with an AssignmentCall and returns a user id, an
Assignee, or None when it finds nobody (the next matching rule is tried). The built-in ones
are ``user``, ``round_robin``, ``least_loaded`` and ``pool``; plugins add theirs through the
``tessera_register_assignment_strategies`` hook.
"""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from ..context import Context
from ..records.selection import select_rows
from ..schema.system_tables import user
from .members import members_of, pool_user
from .rules import pool_of
from .tables import assignment_state, insert_missing


@dataclass(frozen=True)
class AssignmentCall:
    """What a strategy may use: the runtime, the write connection, the acting context, the
    compiled model and object, the rule (None for an assignment outside rules), the
    strategy's parameters, the record's values (its ``id`` is None before insert), the time,
    and how many records this operation has already given each user (a batch of creates is
    inserted after all of them are placed)."""

    runtime: object
    conn: object
    ctx: object
    model: object
    obj: object
    rule: dict
    params: object
    record: dict
    now: object
    pending: dict = None

    def turn_key(self, kind):
        """The key of this assignment's state row: the rule's name, else one of its parameters."""
        return self.rule["name"] if self.rule else f"{kind}:{self.obj.name}:{sorted(self.params.items())}"[:127]


@dataclass(frozen=True)
class Assignee:
    """The user a record goes to and, for a pool, the pool's name."""

    user_id: int
    pool: str = None


def lock_turn(conn, key, now):
    """Lock (creating it if missing) the state row ``key`` until the transaction ends; return it.
    Concurrent assignments with one key wait for each other here (PostgreSQL: the row lock;
    SQLite: every write transaction holds the database's write lock already)."""
    insert_missing(conn, assignment_state, ["rule"], {"rule": key, "assigned": 0, "updated_at": now})
    return conn.execute(select(assignment_state).where(assignment_state.c.rule == key)
                        .with_for_update()).mappings().one()


def _took_turn(conn, key, user_id, now):
    conn.execute(update(assignment_state).where(assignment_state.c.rule == key)
                 .values(last_user_id=user_id, assigned=assignment_state.c.assigned + 1, updated_at=now))


def to_user(call):
    """``{"user": id}``: that user, when active."""
    found = call.conn.execute(select(user.c.id).where(user.c.id == call.params, user.c.active.is_(True)))
    return found.scalar_one_or_none()


def round_robin(call):
    """``{"round_robin": {"team" | "role": name}}``: the next active member after the last one
    given a record, by user id, wrapping around; the turn is kept in the database."""
    candidates = members_of(call.conn, call.params)
    if not candidates:
        return None
    key = call.turn_key("round_robin")
    last = lock_turn(call.conn, key, call.now)["last_user_id"]
    chosen = next((c for c in candidates if last is not None and c > last), candidates[0])
    _took_turn(call.conn, key, chosen, call.now)
    return chosen


def least_loaded(call):
    """``{"least_loaded": {"team" | "role": name, "open": formula}}``: the active member owning
    the fewest records meeting ``open`` (all records without it), counted by one grouped
    query; ties go to the lowest user id."""
    candidates = members_of(call.conn, call.params)
    if not candidates:
        return None
    key = call.turn_key("least_loaded")
    lock_turn(call.conn, key, call.now)
    selection = select_rows(call.runtime, call.conn, Context.system(None), call.obj.name,
                            formula=call.params.get("open"))
    owner = call.obj.table.c.owner_id
    counts = dict(call.conn.execute(selection.where(select(owner, func.count()))
                                    .where(owner.in_(candidates)).group_by(owner)).all())
    pending = call.pending or {}
    chosen = min(candidates, key=lambda c: (counts.get(c, 0) + pending.get(c, 0), c))
    _took_turn(call.conn, key, chosen, call.now)
    return chosen


def to_pool(call):
    """``{"pool": name}``: the pool's own user; the record then waits in the pool for a claim."""
    if pool_of(call.model, call.params) is None:
        return None
    return Assignee(pool_user(call.conn, call.params, call.now), pool=call.params)


BUILTIN_STRATEGIES = {"user": to_user, "round_robin": round_robin, "least_loaded": least_loaded, "pool": to_pool}
