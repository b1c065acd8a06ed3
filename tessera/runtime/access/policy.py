"""The one entry point that decides what a context may do with an object and its records.

``AccessPolicy`` answers, for a Context: may it do this action on this object (object
right, token scope and, to create, the required fields), on this record (and which row
that is), on these records (a SQL condition for the caller's SELECT), and which fields
may it read or write. It is built with what it needs (a way to get the published model
of a connection and the formula environment of a context) and works on its own; every
caller, from the records service to the formula evaluator, asks it. Administrators
(``ctx.is_admin``) pass every check; a token's scope limits even them.
"""

from dataclasses import dataclass

from sqlalchemy import delete

from .. import prepared
from ..errors import PermissionDenied, RecordNotFound, ScopeExceeded
from ..fields.values import is_record_id
from ..schema.formulas import LookupGuard, check_for_reader, formula_filter
from ..schema.system_tables import record_share
from . import fields
from .rows import RowConditions

#: The object right each action needs; the record actions (all but create) also need a
#: record-level level of access (``rows.ROW_LEVELS``).
OBJECT_RIGHTS = {"create": "create", "read": "read", "edit": "edit", "delete": "delete",
                 "transfer": "edit", "share": "edit"}


@dataclass(frozen=True)
class RecordsAccess:
    """What a context reaches of an object's records for one action.

    ``fields`` is its FieldGrant; ``condition`` a SQL condition on the object's table
    selecting the rows it may act on, or None when it reaches every row.
    """

    fields: fields.FieldGrant
    condition: object

    @property
    def readable(self):
        """The readable field names, in document order."""
        return self.fields.readable


class AccessPolicy:
    """Decides object-, field- and row-level access for a Context.

    ``model_of(conn)`` returns the compiled published model read through ``conn``;
    ``env_for(ctx)`` the formula environment (clock, ``$user``) in which sharing-rule
    criteria compile.
    """

    def __init__(self, model_of, env_for):
        self.model_of = model_of
        self._rows = RowConditions(model_of, env_for)
        self._by_id = ComposedQueries()

    # -- the entry point -----------------------------------------------------------

    def object_access(self, ctx, obj, action):
        """The FieldGrant of ``ctx`` on ``obj``, once it may ``action`` records of it.

        Raises ScopeExceeded when the token's scope excludes the action and
        PermissionDenied when the object right is missing (or, to create, when a
        required field without a default is not editable).
        """
        right = OBJECT_RIGHTS[action]
        if ctx.scope is not None and not ctx.scope.allows(obj.name, right):
            raise ScopeExceeded("access.token.action_denied", action=right, object=obj.name)
        if not ctx.is_admin:
            if not fields.rights_of(ctx).can(obj.name, right):
                raise PermissionDenied("access.object.denied", action=right, object=obj.name)
            if action == "create":
                fields.check_required_writable(ctx, obj)
        return fields.FieldGrant(ctx, obj)

    def record(self, conn, ctx, obj, record_id, action="read", *, for_update=False):
        """The stored row ``record_id`` of ``obj``, once ``ctx`` may ``action`` it.

        Checks the object right first (see ``object_access``); a record ``ctx`` may not
        read raises RecordNotFound, as a missing one does, so its existence does not leak;
        a readable record it may not ``action`` (edit, delete, transfer, share) raises
        PermissionDenied. ``for_update`` locks the row for the caller's transaction.
        """
        self.object_access(ctx, obj, action)
        row = self._readable_row(conn, ctx, obj, record_id, for_update)
        if action != "read" and not self._rows.admits(conn, ctx, obj, row, action):
            raise PermissionDenied("access.record.denied", action=action, object=obj.name)
        return row

    def records(self, conn, ctx, obj, action="read"):
        """The RecordsAccess of ``ctx`` to ``obj``'s records, once it may ``action`` them."""
        grant = self.object_access(ctx, obj, action)
        return RecordsAccess(grant, self._rows.condition(ctx, obj, conn, action))

    # -- single concerns, for callers that need one part ---------------------------

    def row_filter(self, ctx, obj, conn, *, action="read"):
        """A SQL condition limiting ``obj``'s rows to those ``ctx`` may ``action``, or None for all.

        Row access alone, without the object right: lookups use it to tell which target
        records a reader may point at or see through.
        """
        return self._rows.condition(ctx, obj, conn, action)

    def readable_fields(self, ctx, obj):
        """The names of the fields ``ctx`` may read, in document order.

        A formula or roll-up field is among them only if everything it reads, through
        other formula fields, lookups and roll-ups, is readable too.
        """
        return fields.readable_fields(ctx, obj)

    def readable_objects(self, ctx, model):
        """{object name: readable field names} for every object of ``model`` whose records ``ctx`` may read."""
        found = {}
        for name, obj in model.objects.items():
            try:
                found[name] = self.object_access(ctx, obj, "read").readable
            except PermissionDenied:
                continue
        return found

    def history_fields(self, ctx, obj):
        """The history entries ``ctx`` may see: readable fields and ownership changes."""
        return [*fields.readable_fields(ctx, obj), "owner"]

    def check_formula(self, ctx, model, obj, source, **options):
        """Type-check a formula ``ctx`` wrote over ``obj``; raise FieldAccessDenied if it reads a hidden field."""
        return check_for_reader(model, obj, source, self._readable_of(ctx), **options)

    def reader_filter(self, conn, ctx, model, obj, source, binder):
        """A boolean formula ``ctx`` wrote, as a condition on ``binder``'s joins.

        It may read only fields ``ctx`` may read, and its lookups see only the records
        ``ctx`` may read (NULL through any other).
        """
        return formula_filter(model, obj, source, binder, readable_of=self._readable_of(ctx),
                              guard=self.lookup_guard(ctx, conn))

    def lookup_guard(self, ctx, conn):
        """A LookupGuard letting lookups reach only the records ``ctx`` may read."""
        return LookupGuard(self, ctx, conn)

    def forget_record(self, conn, obj, record_id):
        """Drop the manual shares of a record that is being deleted."""
        conn.execute(delete(record_share).where(record_share.c.object == obj.name,
                                                record_share.c.record_id == record_id))

    # -- internals -----------------------------------------------------------------

    @staticmethod
    def _readable_of(ctx):
        return lambda obj: fields.readable_fields(ctx, obj)

    def _readable_row(self, conn, ctx, obj, record_id, for_update):
        if not is_record_id(record_id):  # beyond 64 bits no row can exist; never send it to the database
            raise RecordNotFound("record.not_found", object=obj.name, id=record_id)
        query = self._by_id.get(obj.select_by_id, self._rows.condition(ctx, obj, conn), for_update)
        row = prepared.first(conn, query, {"record_id": record_id})
        if row is None:
            raise RecordNotFound("record.not_found", object=obj.name, id=record_id)
        return row


class ComposedQueries:
    """Select-by-id statements with a row condition, kept while their parts are reused.

    Row conditions come from caches (the same object for the same user and reach), so the
    composed statement can be reused too: SQLAlchemy then keeps its cache key instead of
    working it out again on every read.
    """

    def __init__(self, size=4096):
        self.size = size
        self._entries = {}

    def get(self, base, condition, for_update):
        """``base`` limited by ``condition`` (None: all rows), locking the row when ``for_update``."""
        # The entry holds its parts, so their ids cannot be reused while it is cached.
        key = (id(base), id(condition), for_update)
        found = self._entries.get(key)
        if found is not None:
            return found[0]
        query = base if condition is None else base.where(condition)
        if for_update:
            query = query.with_for_update()
        if len(self._entries) >= self.size:
            self._entries.clear()
        self._entries[key] = (query, base, condition)
        return query
