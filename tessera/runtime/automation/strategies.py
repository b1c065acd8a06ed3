"""Assignment strategies: each turns an assignment's parameters into the user who gets a record.

A strategy is called as ``strategy(call)`` with an AssignmentCall and returns a user id, an
Assignee, or None when it finds nobody (the next matching rule is tried). The built-in ones
are ``user``, ``round_robin``, ``least_loaded`` and ``pool``; plugins add theirs through the
``tessera_register_assignment_strategies`` hook.

One operation (a create, a batch of creates, one re-assignment) shares ``call.memo``: the
members of a team or role are read once, a turn row is locked once, and the turns taken are
written once by ``save_turns`` at the end of the choosing.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from ..context import Context
from ..records.selection import select_rows
from ..schema.system_tables import user
from .members import members_of, pool_user
from .rules import pool_of
from .tables import assignment_state, upsert_returning


@dataclass(frozen=True)
class AssignmentCall:
    """What a strategy may use: the runtime, the write connection, the acting context, the
    compiled model and object, the rule (None for an assignment outside rules), the
    strategy's parameters, the record's values (its ``id`` is None before insert), the time,
    and the operation's ``memo`` (what one create or batch has read and chosen so far;
    ``memo["given"]`` counts the records it gave each user)."""

    runtime: object
    conn: object
    ctx: object
    model: object
    obj: object
    rule: dict
    params: object
    record: dict
    now: object
    memo: dict = field(default_factory=dict)

    def turn_key(self, kind):
        """The key of this assignment's state row: the rule's name, else one of its parameters."""
        return self.rule["name"] if self.rule else f"{kind}:{self.obj.name}:{sorted(self.params.items())}"[:127]

    def given(self):
        """``{user id: records this operation already gave them}``."""
        return self.memo.setdefault("given", {})


@dataclass(frozen=True)
class Assignee:
    """The user a record goes to and, for a pool, the pool's name."""

    user_id: int
    pool: str = None


def lock_turn(conn, key, now):
    """Lock (creating it if missing) the state row ``key`` until the transaction ends, in one
    statement; return its last user id. Concurrent assignments with one key wait for each other
    here (PostgreSQL: the row lock of ``INSERT ... ON CONFLICT DO UPDATE``, which then reads the
    row as the other committed it; SQLite: every write transaction holds the write lock)."""
    return upsert_returning(conn, assignment_state, ["rule"], {"rule": key, "assigned": 0, "updated_at": now},
                            {"updated_at": now}, [assignment_state.c.last_user_id]).last_user_id


def _turns(call, key):
    turns = call.memo.setdefault("turns", {})
    if key not in turns:
        turns[key] = [lock_turn(call.conn, key, call.now), 0]
    return turns[key]


def save_turns(conn, memo, now):
    """Write the turns an operation took (its last user and count per state row)."""
    for key, (last, taken) in memo.pop("turns", {}).items():
        if taken:
            conn.execute(update(assignment_state).where(assignment_state.c.rule == key)
                         .values(last_user_id=last, assigned=assignment_state.c.assigned + taken, updated_at=now))


def _members(call):
    key = ("members", tuple(sorted(call.params.items())) if isinstance(call.params, dict) else call.params)
    if key not in call.memo:
        call.memo[key] = members_of(call.conn, call.params)
    return call.memo[key]


def to_user(call):
    """``{"user": id}``: that user, when active."""
    found = call.conn.execute(select(user.c.id).where(user.c.id == call.params, user.c.active.is_(True)))
    return found.scalar_one_or_none()


def round_robin(call):
    """``{"round_robin": {"team" | "role": name}}``: the next active member after the last one
    given a record, by user id, wrapping around; the turn is kept in the database."""
    candidates = _members(call)
    if not candidates:
        return None
    turn = _turns(call, call.turn_key("round_robin"))
    chosen = next((c for c in candidates if turn[0] is not None and c > turn[0]), candidates[0])
    turn[0], turn[1] = chosen, turn[1] + 1
    return chosen


def _open_counts(call, candidates):
    key = ("open_counts", call.turn_key("least_loaded"))
    if key not in call.memo:
        selection = select_rows(call.runtime, call.conn, Context.system(None), call.obj.name,
                                formula=call.params.get("open"))
        owner = call.obj.table.c.owner_id
        call.memo[key] = dict(call.conn.execute(selection.where(select(owner, func.count()))
                                                .where(owner.in_(candidates)).group_by(owner)).all())
    return call.memo[key]


def least_loaded(call):
    """``{"least_loaded": {"team" | "role": name, "open": formula}}``: the active member owning
    the fewest records meeting ``open`` (all records without it), counted by one grouped
    query; ties go to the lowest user id."""
    candidates = _members(call)
    if not candidates:
        return None
    turn = _turns(call, call.turn_key("least_loaded"))  # concurrent choices wait for each other
    counts, given = _open_counts(call, candidates), call.given()
    chosen = min(candidates, key=lambda c: (counts.get(c, 0) + given.get(c, 0), c))
    turn[0], turn[1] = chosen, turn[1] + 1
    return chosen


def to_pool(call):
    """``{"pool": name}``: the pool's own user; the record then waits in the pool for a claim."""
    if pool_of(call.model, call.params) is None:
        return None
    key = ("pool_user", call.params)
    if key not in call.memo:
        call.memo[key] = pool_user(call.conn, call.params, call.now)
    return Assignee(call.memo[key], pool=call.params)


BUILTIN_STRATEGIES = {"user": to_user, "round_robin": round_robin, "least_loaded": least_loaded, "pool": to_pool}
