"""An exact cache of scheme-period boards: every measured person's scored card and the ranking.

A person's scorecard carries their rank, so it needs everyone's totals: the whole board.
Reps opening their scorecards one after the other ask for the same board again and again,
and between two writes that change its inputs the answer cannot change. So a computed
board is kept, in the process, under a key naming **everything it was computed from**:

- the published metadata revision (KPIs, the scheme's versions, objects, fiscal calendar),
  the scheme version chosen and the period with its dates;
- the directory version (teams, roles) and the people version (user rows: team, manager,
  active), both counters moved on by those writes in their transactions;
- the performance data version (targets, scheme assignments, adjustments), likewise;
- the data watermark: the newest outbox event id of the objects the KPIs read (measured
  objects, split objects, every object reached through lookups and every object feeding a
  roll-up of one of them), since every record write appends its event in its transaction;
- the organisation's date, time zone and fiscal year start (``TODAY()`` and the periods).

A key read later equals the stored one only if none of these moved: the cached board is
then the board a fresh computation would give. Boards of KPIs using ``NOW()`` change by
the second and are never cached.

Why the watermark is safe on PostgreSQL, where event ids are handed out before commit and a
transaction holding id 100 can commit after one holding 101: the key is read first, then
the board is stored only if no other transaction was at that moment writing one of the
tables the KPIs read (no write lock on them in ``pg_locks``). Every event id at or below the
watermark then belongs to a committed transaction, whose rows the board's statements (run
after the check, each on a new snapshot) see; any later write takes a larger id and moves
the key. On SQLite writes are serial and a read transaction sees one snapshot, so the
check is not needed. Pruning delivered events can take a watermark back to an older id,
so a board is kept ten minutes at most (events are kept at least a day). Writes that go
around the runtime (SQL typed into the database) are not seen; ``BoardCache.clear``
empties the cache.
"""

import re
import threading
import time
from collections import OrderedDict

import sqlalchemy as sa

from ..identity import version as counters
from ..schema.system_tables import outbox
from . import data_version
from .kpis import kpi_definition

DEFAULT_SIZE = 32
#: Seconds a board is kept. Pruning delivered events (after EVENT_RETENTION_DAYS, at least a
#: day) can take a watermark back to an older id; a board never outlives that.
LIFETIME = 600
_WRITE_LOCKS = ("RowExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock")
_NOW = re.compile(r"\bNOW\s*\(", re.IGNORECASE)
_pg_locks = sa.table("pg_locks", sa.column("relation"), sa.column("mode"), sa.column("pid"), sa.column("granted"))


class BoardCache:
    """The newest ``size`` boards by key, least recently used out first, none older than
    ``lifetime`` seconds; safe across threads."""

    def __init__(self, size=DEFAULT_SIZE, lifetime=LIFETIME, clock=time.monotonic):
        self.size, self.lifetime, self.clock = size, lifetime, clock
        self._boards = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        """The board stored under ``key``, or None."""
        with self._lock:
            kept = self._boards.get(key)
            if kept is None or self.clock() - kept[0] > self.lifetime:
                self._boards.pop(key, None)
                self.misses += 1
                return None
            self._boards.move_to_end(key)
            self.hits += 1
            return kept[1]

    def put(self, key, board):
        """Keep ``board`` under ``key``."""
        if self.size <= 0:
            return
        with self._lock:
            self._boards[key] = (self.clock(), board)
            self._boards.move_to_end(key)
            while len(self._boards) > self.size:
                self._boards.popitem(last=False)

    def clear(self):
        """Forget every board."""
        with self._lock:
            self._boards.clear()


def scheme_kpis(model, scheme):
    """Every KPI definition the scheme's items need, derived KPIs' parts included."""
    found, pending = {}, [item["kpi"] for item in scheme.items]
    while pending:
        name = pending.pop()
        if name not in found:
            found[name] = kpi_definition(model, name)
            pending.extend(found[name].parts if found[name].derived is not None else ())
    return list(found.values())


def read_objects(model, definitions):
    """The names of the objects whose rows can change the KPIs' numbers, sorted."""
    names = set()
    for definition in definitions:
        if definition.derived is None:
            names.add(definition.doc["object"])
            split = definition.doc["credit"].get("split")
            if split:
                names.add(split["object"])
    grown = None
    while grown != names:
        grown = set(names)
        for name in grown:
            obj = model.objects[name]
            names.update(field["target"] for field in obj.fields.values()
                         if field.get("type") in ("lookup", "master_detail") and field.get("target") in model.objects)
        for obj in model.objects.values():
            if any(parent in grown for parent, _ in obj.rollups_fed):
                names.add(obj.name)
    return tuple(sorted(names))


def _uses_now(definitions):
    texts = (definition.doc.get(key) or "" for definition in definitions for key in ("measure", "filter", "formula"))
    return any(_NOW.search(text) for text in texts)


def board_key(conn, runtime, model, scheme, period):
    """The key of the board of ``scheme`` in ``period`` as the database stands, with the names
    of the objects it reads; (None, ()) when the board must not be cached."""
    definitions = scheme_kpis(model, scheme)
    if _uses_now(definitions):
        return None, ()
    objects = read_objects(model, definitions)
    watermark = sa.select(sa.func.coalesce(sa.func.max(outbox.c.id), 0)).where(outbox.c.object.in_(objects))
    versions = conn.execute(sa.select(counters.version_column(), counters.version_column(counters.PEOPLE_COUNTER),
                                      data_version.version_column(), watermark.scalar_subquery())).one()
    env = runtime.eval_env()
    key = (model.revision, scheme.name, scheme.version, period.id, period.start, period.end, env.today,
           runtime.timezone, runtime.fiscal_year_start_month, *versions)
    return key, objects


def settled(conn, model, objects):
    """True when no other transaction is writing the tables of ``objects`` right now (always
    on SQLite, whose writes are serial): every event id already handed out for them is then
    committed, so the watermark just read covers everything a board computed next sees."""
    if conn.dialect.name != "postgresql":
        return True
    relations = [sa.func.to_regclass(model.objects[name].table.name) for name in objects]
    busy = (sa.select(sa.func.count()).select_from(_pg_locks)
            .where(_pg_locks.c.relation.in_(relations), _pg_locks.c.mode.in_(_WRITE_LOCKS),
                   _pg_locks.c.pid != sa.func.pg_backend_pid()))
    return conn.execute(busy).scalar_one() == 0
