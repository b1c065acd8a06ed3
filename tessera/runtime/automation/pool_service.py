"""PoolService: lead pools as their members use them (list, claim) and the durable timer that
gives a claimed record nobody touched back to its pool.

A record waits in a pool owned by the pool's own inactive user (``pool:<name>``) and shared
for reading with the pool's members. A member claims it (one record by id, or the oldest
waiting one): they become its owner, up to the pool's ``claim_limit`` records at a time.
With ``return_after_days``, a ``lead_pool.return`` timer is scheduled with the claim; when it
fires and the record has not changed since the claim (or since the timer's last look), the
record goes back to the pool, else the timer looks again ``return_after_days`` later.
"""

from datetime import timedelta

from sqlalchemy import select

from ..audit import log as audit
from ..clock import naive_utc
from ..context import Context
from ..records.ownership import write_owner
from ..records.query import list_page
from ..records.selection import select_rows
from . import pools
from .errors import AlreadyClaimed, ClaimLimitReached, NotInPool, NotPoolMember, PoolEmpty, PoolNotFound
from .members import is_member, pool_user
from .rules import pool_of
from .strategies import lock_turn

RETURN_KIND = "lead_pool.return"


class PoolService:
    """Listing and claiming the records of lead pools, and returning untouched ones."""

    def __init__(self, runtime):
        self.runtime = runtime
        runtime.timers.register(RETURN_KIND, self._return_if_untouched)

    def _now(self):
        return naive_utc(self.runtime.clock())

    def _pool(self, conn, ctx, name):
        model = self.runtime.model(conn)
        pool = pool_of(model, name) if isinstance(name, str) else None
        if pool is None:
            raise PoolNotFound("pool.not_found", name=name)
        _, obj = self.runtime.object_for(conn, pool["object"])
        if not ctx.is_admin and not is_member(conn, ctx, pool["members"]):
            raise NotPoolMember("pool.not_member", name=name)
        return pool, obj

    def list(self, ctx, name, *, limit=None, cursor=None):
        """One page ``{"items", "next_cursor"}`` of the records waiting in pool ``name``, oldest
        first, as ``ctx`` (a member, or an administrator) sees them."""
        with self.runtime.read() as conn:
            _, obj = self._pool(conn, ctx, name)
            rows = select_rows(self.runtime, conn, ctx, obj.name)
            pool_uid = pools.pool_user_id(conn, name)
            waiting = obj.table.c.id.in_(pools.waiting(obj, name, pool_uid).order_by(None))
            page = list_page(conn, obj, rows.readable, binder=rows.binder, sort="id", limit=limit, cursor=cursor,
                             conditions=[*rows.conditions, waiting])
        return page.json()

    def claim(self, ctx, name, record_id=None):
        """Make ``ctx`` the owner of record ``record_id`` of pool ``name`` (of its oldest waiting
        record when None); return the record. Refuses past the claim limit (ClaimLimitReached),
        a record someone claimed first (AlreadyClaimed), an empty pool (PoolEmpty)."""
        with self.runtime.write() as conn:
            pool, obj = self._pool(conn, ctx, name)
            self.runtime.access.object_access(ctx, obj, "read")
            now = self._now()
            self._check_limit(conn, ctx, pool, obj, now)
            pool_uid = pools.pool_user_id(conn, name)
            record_id = self._lock_waiting(conn, pool, obj, pool_uid, record_id)
            if not pools.mark_claimed(conn, obj, record_id, ctx.user_id, now, pool_uid):
                raise AlreadyClaimed("pool.already_claimed", id=record_id)
            row = conn.execute(select(obj.table).where(obj.table.c.id == record_id).with_for_update()).mappings().one()
            version = write_owner(conn, ctx, obj, row, ctx.user_id)
            audit.record(conn, "record.claimed", ctx, object_name=obj.name, record_id=record_id,
                         subject=f"pool {name}", details={"from": row["owner_id"], "to": ctx.user_id})
            self._schedule_return(conn, pool, obj, record_id, ctx.user_id, version, now)
        return self.runtime.records.get(ctx, obj.name, record_id)

    def _check_limit(self, conn, ctx, pool, obj, now):
        limit = pool.get("claim_limit")
        if limit is None:
            return
        lock_turn(conn, f"claims:{pool['name']}:{ctx.user_id}", now)  # one claim of this rep at a time
        if pools.held_by(conn, obj, pool["name"], ctx.user_id) >= limit:
            raise ClaimLimitReached("pool.claim_limit", name=pool["name"], limit=limit)

    def _lock_waiting(self, conn, pool, obj, pool_uid, record_id):
        found = pools.lock_waiting(conn, obj, pool["name"], pool_uid, record_id)
        if found is not None:
            return found
        if record_id is None:
            raise PoolEmpty("pool.empty", name=pool["name"])
        row = pools.status_of(conn, obj, record_id, pool["name"])
        if row is not None and row["status"] == "claimed":
            raise AlreadyClaimed("pool.already_claimed", id=record_id)
        raise NotInPool("pool.record_missing", id=record_id, name=pool["name"])

    def _schedule_return(self, conn, pool, obj, record_id, user_id, version, now):
        days = pool.get("return_after_days")
        if days:
            self.runtime.timers.schedule(conn, RETURN_KIND, now + timedelta(days=days), subject_type="pool_record",
                                         subject_id=record_id, subject_key=obj.name,
                                         payload={"pool": pool["name"], "object": obj.name, "record_id": record_id,
                                                  "claimed_by": user_id, "version": version})

    def _return_if_untouched(self, runtime, conn, timer):
        """Give the claimed record back to its pool if nobody changed it since the claim or the
        last look; look again later when someone did; forget it when it left the pool."""
        wanted = timer.payload
        model = runtime.model(conn)
        pool, obj = pool_of(model, wanted["pool"]), model.objects.get(wanted["object"])
        if pool is None or obj is None:
            return
        held = pools.status_of(conn, obj, wanted["record_id"], pool["name"])
        if held is None or held["status"] != "claimed" or held["claimed_by"] != wanted["claimed_by"]:
            return
        row = conn.execute(select(obj.table).where(obj.table.c.id == wanted["record_id"])
                           .with_for_update()).mappings().first()
        if row is None or row["owner_id"] != wanted["claimed_by"]:
            pools.leave(conn, obj, wanted["record_id"])
            return
        now = self._now()
        if row["version"] != wanted["version"]:
            self._schedule_return(conn, pool, obj, row["id"], row["owner_id"], row["version"], now)
            return
        self._give_back(conn, pool, obj, row, now)

    def _give_back(self, conn, pool, obj, row, now):
        pool_uid = pool_user(conn, pool["name"], now)
        system = Context.system(pool_uid)
        pools.enter(conn, obj, [row["id"]], pool, pool_uid, now)
        write_owner(conn, system, obj, row, pool_uid)
        audit.record(conn, "record.returned_to_pool", system, object_name=obj.name, record_id=row["id"],
                     subject=f"pool {pool['name']}", details={"from": row["owner_id"], "to": pool_uid})
