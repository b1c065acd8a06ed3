"""Record lifecycle hooks: code asked before and after each record is saved or deleted,
inside the write's transaction.

A listener is any object with some of these methods (a missing one is skipped):

- ``before_save(runtime, conn, ctx, obj, record, prior)``: ``record`` is a dict of the
  values about to be stored (on update: the stored row with the changes applied), ``prior``
  the stored row (None on create). Values it sets on ``record`` are written as given.
- ``after_save(runtime, conn, ctx, obj, record, prior)``: the row as written (with its
  ``id`` and ``version``), ``prior`` as above. Not called when an update changed nothing.
- ``before_delete(runtime, conn, ctx, obj, record)`` / ``after_delete(...)``: the stored row.

``obj`` is the compiled object (``obj.name`` is its name). Raising refuses the write: the
whole transaction rolls back and the caller gets the error. Listeners run in the order
they were added: the plugins' hooks first, then the automation rules that run before commit.
"""

STAGES = ("before_save", "after_save", "before_delete", "after_delete")


class RecordLifecycle:
    """The listeners of one records service, called at each stage of a write."""

    def __init__(self, listeners=()):
        self._by_stage = {stage: [] for stage in STAGES}
        for listener in listeners:
            self.add(listener)

    def add(self, listener):
        """Call ``listener``'s stage methods from now on."""
        for stage in STAGES:
            method = getattr(listener, stage, None)
            if method is not None:
                self._by_stage[stage].append(method)

    def wanted(self, stage):
        """Whether any listener wants ``stage`` (callers skip building its arguments otherwise)."""
        return bool(self._by_stage[stage])

    def call(self, stage, runtime, conn, ctx, obj, *args):
        """Call every listener of ``stage`` with the runtime, the connection, the context,
        the object and ``args``."""
        for method in self._by_stage[stage]:
            method(runtime, conn, ctx, obj, *args)
