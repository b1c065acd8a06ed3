"""Field-level security: which fields of an object a context may read and write.

Rights come from the Context (the union of the user's permission sets, with formula and
roll-up fields hidden wherever they read a hidden field: see ``rights.derived_reads``).
Administrators read and write every field.
"""

from tessera.i18n import Message

from ..errors import FieldAccessDenied, PermissionDenied
from .rights import NO_RIGHTS

OWNER_KEYS = frozenset({"owner", "owner_id"})


def rights_of(ctx):
    """The Rights of ``ctx`` (none when the context carries none)."""
    return ctx.rights or NO_RIGHTS


def readable_fields(ctx, obj):
    """The names of the fields of ``obj`` that ``ctx`` may read, in document order."""
    if ctx.is_admin:
        return list(obj.fields)
    readable = rights_of(ctx).on(obj.name).readable
    return [n for n in obj.fields if n in readable]


def editable_fields(ctx, obj):
    """The names of the fields of ``obj`` that ``ctx`` may write, in document order."""
    if ctx.is_admin:
        return list(obj.fields)
    editable = rights_of(ctx).on(obj.name).editable
    return [n for n in obj.fields if n in editable]


def check_writable(ctx, obj, names):
    """Raise FieldAccessDenied naming the first of ``names`` that ``ctx`` may not write.

    The owner changes only through a transfer; a field the actor may not even read is
    refused without being named.
    """
    names = list(names)
    if OWNER_KEYS & set(names):
        raise FieldAccessDenied("access.owner.transfer_only", errors={"owner": [Message("access.owner.use_transfer")]})
    if ctx.is_admin:
        return
    rights = rights_of(ctx).on(obj.name)
    if any(n in obj.fields and n not in rights.readable for n in names):
        raise FieldAccessDenied("access.field.write_unreadable")
    locked = [n for n in names if n in obj.fields and n not in rights.editable]
    if locked:
        raise FieldAccessDenied("access.field.not_editable", field=locked[0],
                                errors={n: [Message("access.field.this_not_editable")] for n in locked})


def check_required_writable(ctx, obj):
    """Raise PermissionDenied when a required field without a default is not editable for ``ctx``."""
    if ctx.is_admin:
        return
    editable = rights_of(ctx).on(obj.name).editable
    if any(f.get("required") and "default" not in f and n not in editable for n, f in obj.fields.items()):
        raise PermissionDenied("access.create.required_not_editable", object=obj.name)


class FieldGrant:
    """The fields one context may read and write on one object, worked out once each."""

    __slots__ = ("ctx", "obj", "_readable")

    def __init__(self, ctx, obj):
        self.ctx, self.obj, self._readable = ctx, obj, None

    @property
    def readable(self):
        """The readable field names, in document order."""
        if self._readable is None:
            self._readable = readable_fields(self.ctx, self.obj)
        return self._readable

    @property
    def editable(self):
        """The writable field names, in document order."""
        return editable_fields(self.ctx, self.obj)

    def check_writes(self, names):
        """Raise FieldAccessDenied unless every field in ``names`` may be written (see ``check_writable``)."""
        check_writable(self.ctx, self.obj, names)
