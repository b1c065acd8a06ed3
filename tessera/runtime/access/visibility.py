"""Record-level access as SQL: which rows of a private object a user reaches, and how.

Every condition here is built for the database to evaluate once per query, not per row
in Python: ownership is ``owner_id = me OR owner_id IN (users holding a role below
mine)``, manual shares are ``id IN (record ids shared with me, my roles or my teams)``
over an indexed table, and sharing rules are their criteria compiled to plain SQL.
"""

import logging
import threading

from sqlalchemy import exists, false, or_, select

from ..schema.system_tables import record_share, user_role

log = logging.getLogger("tessera.sharing")

SHARING_MODELS = ("private", "public_read", "public_read_write")
READ, EDIT, FULL = "read", "edit", "full"


def sharing_model(obj):
    """The object's sharing model: private (the default), public_read or public_read_write."""
    return obj.doc.get("sharing") or "private"


def owned_conditions(table, ctx):
    """Rows the user owns, or that are owned by users in a role below theirs."""
    conditions = [table.c.owner_id == ctx.user_id]
    if ctx.reach.subordinate_role_ids:
        below = select(user_role.c.user_id).where(among(user_role.c.role_id, ctx.reach.subordinate_role_ids))
        conditions.append(table.c.owner_id.in_(below))
    return conditions


def among(column, ids):
    """``column`` is one of ``ids`` (not empty): an equality for one id, which the database
    runs as it is, an IN list for more, which SQLAlchemy expands on every execution."""
    ids = sorted(ids)
    return column == ids[0] if len(ids) == 1 else column.in_(ids)


def grantee_conditions(ctx):
    """The share rows addressed to the user, one condition per kind of grantee: the user,
    a role they cover, a team they are in."""
    share = record_share.c
    found = [(share.grantee_type == "user") & (share.grantee_id == ctx.user_id)]
    if ctx.reach.covered_role_ids:
        found.append((share.grantee_type == "role") & among(share.grantee_id, ctx.reach.covered_role_ids))
    if ctx.reach.team_ids:
        found.append((share.grantee_type == "team") & among(share.grantee_id, ctx.reach.team_ids))
    return found


def shared_conditions(table, object_name, ctx, *, edit_only, correlated=False):
    """Rows shared manually with the user (with edit access only, when ``edit_only``).

    PostgreSQL hashes each uncorrelated ``id IN (...)`` once per query, one per kind of
    grantee so that each reads the covering index alone; SQLite does better with one
    correlated ``EXISTS`` probing the index only for the rows it scans (``correlated``),
    since it would otherwise build every list first.
    """
    share = record_share.c
    common = [share.object == object_name] + ([share.access == "edit"] if edit_only else [])
    if correlated:
        return [exists().where(share.record_id == table.c.id, *common, or_(*grantee_conditions(ctx)))]
    return [table.c.id.in_(select(share.record_id).where(*common, grantee)) for grantee in grantee_conditions(ctx)]


def rules_by_object(documents):
    """The active sharing rules of a published set, by object, in name order."""
    found = {}
    for (kind, _), doc in sorted(documents.items()):
        if kind == "sharing_rule" and doc.get("active") is not False:
            found.setdefault(doc["object"], []).append(doc)
    return found


def applicable_rules(rules, ctx, *, edit_only):
    """The ``rules`` (of one object) whose role or team reaches the user."""
    found = []
    for doc in rules:
        if edit_only and doc["access"] != "edit":
            continue
        target = doc["share_with"]
        if target.get("role") in ctx.reach.covered_role_names or target.get("team") in ctx.reach.team_names:
            found.append(doc)
    return found


def rule_conditions(compile_rule, rules):
    """Compile each rule (``compile_rule(doc)``); a rule that no longer compiles opens nothing
    (and is logged)."""
    conditions = []
    for doc in rules:
        try:
            conditions.append(compile_rule(doc))
        except Exception:  # a broken rule must fail closed, never open or break the query
            log.exception("sharing rule %s does not compile; it grants nothing", doc["name"])
    return conditions


def visibility_condition(table, object_name, ctx, level, rule_sql=(), *, dialect="postgresql", direct=None):
    """The OR of every way the user reaches a row at ``level`` (read, edit or full).

    Column tests (ownership, then the sharing rules' criteria) come before the manual
    share lookup, so a database that evaluates the OR in order probes the share index
    only for rows nothing cheaper admitted. ``direct`` is a DirectConditions cache.
    """
    return (direct or DirectConditions()).condition(table, object_name, ctx, level, dialect,
                                                    tuple(rule_sql) if level != FULL else ())


class DirectConditions:
    """Visibility conditions of (table, user, reach, level, dialect, rule conditions).

    Ownership and manual shares depend on nothing else, and the rule conditions come from
    the RuleCache (the same objects while they are cached), so each OR is built once and
    reused until the cache fills; the table key ties an entry to one published revision.
    """

    def __init__(self, size=2048):
        self.size = size
        self._entries = {}
        self._lock = threading.Lock()

    def condition(self, table, object_name, ctx, level, dialect, rule_sql):
        """The OR of ownership, ``rule_sql`` and manual shares for ``ctx`` at ``level``."""
        # The entry keeps the rule conditions alive, so their ids cannot be reused meanwhile.
        key = (table, object_name, ctx.user_id, ctx.reach, level, dialect, tuple(map(id, rule_sql)))
        found = self._entries.get(key)
        if found is not None:
            return found
        owned = owned_conditions(table, ctx)
        shared = [] if level == FULL else shared_conditions(
            table, object_name, ctx, edit_only=level == EDIT, correlated=dialect == "sqlite")
        conditions = [*owned, *rule_sql, *shared]
        built = or_(*conditions) if conditions else false()
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[key] = built
        return built
