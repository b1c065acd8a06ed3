"""Formulas a user writes and tries out: checked as that user sees the model, evaluated for a record.

The designer's live check and the "evaluate" button run here, so the same access rules
apply as to every record operation: the object must be readable, the expression may
read only readable fields, a stored record is read through the access policy, and the
expression's lookups see only the target records the user may read.
"""

from tessera.formula import compile_python

from ..fields.serialize import to_json
from .computed import RecordView, reader_env
from .service import load_input


class FormulaService:
    """Checks and evaluates expressions written by the acting user."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.access = runtime.access

    def check(self, ctx, object_name, expression, *, context="field", expected=None):
        """{"valid", "type", "pushable", "references"} of ``expression`` over ``object_name``.

        Raises ObjectNotFound, PermissionDenied (no read right), FieldAccessDenied (a hidden
        field is read) or FormulaError (with line and column).
        """
        with self.runtime.read() as conn:
            _, _, checked = self._checked(conn, ctx, object_name, expression, context, expected)
        return {"valid": True, "type": checked.type.value, "pushable": checked.pushable,
                "references": sorted(list(p) for p in checked.references)}

    def evaluate(self, ctx, object_name, expression, *, context="field", expected=None, record_id=None,
                 values=None):
        """{"value", "type"}: ``expression`` evaluated for stored record ``record_id`` or for ``values``.

        Raises what ``check`` raises, RecordNotFound when ``ctx`` may not read the record
        and RecordInvalid when ``values`` do not load as the object's fields.
        """
        with self.runtime.read() as conn:
            model, obj, checked = self._checked(conn, ctx, object_name, expression, context, expected)
            view, env = self._record_view(conn, ctx, model, obj, record_id, values)
            value = compile_python(checked)(view, env)
        return {"value": to_json(value), "type": checked.type.value}

    def _checked(self, conn, ctx, object_name, expression, context, expected):
        model, obj = self.runtime.object_for(conn, object_name)
        self.access.object_access(ctx, obj, "read")
        return model, obj, self.access.check_formula(ctx, model, obj, expression, context=context,
                                                     expected=expected)

    def _record_view(self, conn, ctx, model, obj, record_id, values):
        """The record to evaluate against and the caller's environment for the expression."""
        system = self.runtime.eval_env(ctx, conn, model)
        reading = reader_env(system, conn, model, self.access.lookup_guard(ctx, conn))
        if record_id is not None:
            row = self.access.record(conn, ctx, obj, record_id)
            # A stored record's formula fields are what reading the record shows: system context.
            return RecordView(obj, dict(row), system), reading
        loaded = load_input(obj.update_loader, values or {})
        # Given values may name any id, so even the record's formula fields follow them as the caller.
        return RecordView(obj, {"owner_id": ctx.user_id, **loaded}, reading), reading
