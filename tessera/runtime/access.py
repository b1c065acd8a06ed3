"""Access decisions the records service asks for on every operation.

The foundation knows one kind of user with rights: administrators. Everyone else is
refused. Permission sets, sharing and field-level security replace this policy without
changing its callers (``check_object``, ``readable_fields``, ``row_filter``).
"""

from .errors import PermissionDenied

ACTIONS = ("create", "read", "edit", "delete")


class AccessPolicy:
    """Decides object-, field- and row-level access for a Context."""

    def check_object(self, ctx, model, action):
        """Raise PermissionDenied unless ``ctx`` may ``action`` records of ``model``."""
        if not ctx.is_admin:
            raise PermissionDenied(f'you may not {action} {model.name} records')

    def readable_fields(self, ctx, model):
        """Return the names of the fields ``ctx`` may read."""
        return list(model.fields)

    def check_editable(self, ctx, model, names):
        """Raise PermissionDenied naming the first field ``ctx`` may not write."""
        return None

    def row_filter(self, ctx, model):
        """Return a SQL condition limiting rows to those ``ctx`` may see, or None for all."""
        return None
