"""The directory service: administrators create, change and delete teams and roles, audited."""

from tessera.i18n import Message

from ..access.admin import require_admin
from ..audit import log as audit
from ..errors import RecordInvalid
from .units import create_unit, delete_unit, get_unit, list_units, update_unit

UNIT_FIELDS = frozenset({"name", "label", "parent"})


class DirectoryService:
    """Team and role operations over one runtime's database; ``kind`` is ``team`` or ``role``."""

    def __init__(self, runtime):
        self.runtime = runtime

    def list(self, kind):
        """Every unit of ``kind`` as JSON."""
        with self.runtime.read() as conn:
            return list_units(conn, kind)

    def get(self, kind, name):
        """One unit as JSON, or raise DirectoryEntryNotFound."""
        with self.runtime.read() as conn:
            return get_unit(conn, kind, name)

    def create(self, ctx, kind, values):
        """Create a unit from ``values`` (name, label, parent); return its JSON."""
        require_admin(ctx)
        unknown = sorted(set(values) - UNIT_FIELDS)
        if unknown:
            raise RecordInvalid(f"identity.{kind}.unknown_fields", errors={k: [Message("input.unknown")] for k in unknown})
        with self.runtime.write() as conn:
            unit = create_unit(conn, kind, values.get("name"), label=values.get("label"), parent=values.get("parent"))
            audit.record(conn, f"{kind}.created", ctx, subject=unit["name"], details={"parent": unit["parent"]})
        return unit

    def update(self, ctx, kind, name, changes):
        """Change a unit's label and/or parent; return its JSON."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            unit = update_unit(conn, kind, name, changes)
            audit.record(conn, f"{kind}.updated", ctx, subject=name, details=changes)
        return unit

    def delete(self, ctx, kind, name):
        """Delete a unit without sub-units; its members lose it."""
        require_admin(ctx)
        with self.runtime.write() as conn:
            delete_unit(conn, kind, name)
            audit.record(conn, f"{kind}.deleted", ctx, subject=name)
