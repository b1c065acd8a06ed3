"""Admin overrides: an administrator reaching records of a private object they do not own.

The access room decides what is an override (``is_override``); the records operations
report each one here as they serve it, so every caller (API, CLI, job, plugin) is
audited alike. Writes (edit, delete) are recorded on the writer's connection, in the
transaction of the change. Reads (read, list, history, count, aggregate) change
nothing: their entry is written in a short transaction of its own right after the read
succeeded (at the end of the request scope, inside one), and repeats are coalesced per
process (see ``audit/windows.py`` and docs/security.md, "Audit log").
"""

import atexit
import logging
import weakref
from types import SimpleNamespace

from ..audit import log as audit
from ..audit.windows import AuditWindows
from ..fields.serialize import to_json
from .visibility import sharing_model

#: Override actions that only read, and are coalesced per window.
COALESCED_ACTIONS = frozenset({"read", "list", "history", "count", "aggregate"})
EVENT = "admin.override"

log = logging.getLogger(__name__)
_LIVE = weakref.WeakSet()


def is_override(ctx, obj, owner_id=None):
    """True when ``ctx`` reaches records of ``obj`` only through the administrator right.

    That is an administrator acting on a private object, on records they do not own
    (``owner_id`` is the record's owner when one record is reached, else None).
    """
    if ctx is None or not ctx.is_admin or sharing_model(obj) != "private":
        return False
    return owner_id is None or owner_id != ctx.user_id


class AdminOverrides:
    """Records the admin overrides of one runtime, coalescing repeated reads.

    ``write_soon(work)`` runs ``work(conn)`` in a write transaction, at once or when the
    request scope ends (``Runtime.write_soon``).
    """

    def __init__(self, write_soon, windows=None):
        self._write_soon = write_soon
        self.windows = windows or AuditWindows()
        _LIVE.add(self)

    def changed(self, conn, ctx, obj, action, row):
        """Record an override write (``edit``, ``delete``) of ``row`` on the writer's ``conn``."""
        if is_override(ctx, obj, row["owner_id"]):
            audit.record(conn, EVENT, ctx, object_name=obj.name, record_id=row["id"],
                         details={"action": action})

    def read(self, ctx, obj, action, *, record_id=None, owner_id=None):
        """Record an override read; the first of a window at once, repeats only counted."""
        if is_override(ctx, obj, owner_id):
            key = (ctx.user_id, ctx.token_id, ctx.session_id, ctx.ip, obj.name, record_id, action)
            if self.windows.note(key, _actor(ctx)):
                details = {"action": action}
                self._write_soon(lambda conn: audit.record(conn, EVENT, ctx, object_name=obj.name,
                                                           record_id=record_id, details=details))
        self.flush()

    def flush(self, *, force=False):
        """Write one summary row per closed window that counted repeats (sweeps at most once a second)."""
        due = self.windows.take_due(force=force)
        if not due:
            return
        def write(conn):
            for key, window in due:
                _write_summary(conn, key, window)

        self._write_soon(write)

    def close(self):
        """Write every counted repeat now; the runtime is going away (no flush at exit then)."""
        _LIVE.discard(self)
        self.flush(force=True)


def _actor(ctx):
    return SimpleNamespace(user_id=ctx.user_id, username=ctx.username, token_id=ctx.token_id, ip=ctx.ip)


def _write_summary(conn, key, window):
    object_name, record_id, action = key[4:]
    details = {"action": action, "count": window.repeats, "first_at": to_json(window.first_repeat),
               "last_at": to_json(window.last_repeat)}
    audit.record(conn, EVENT, window.actor, object_name=object_name, record_id=record_id, details=details)


@atexit.register
def _flush_at_exit():
    """Write the counted repeats of every live runtime when the process ends cleanly."""
    for overrides in list(_LIVE):
        try:
            overrides.flush(force=True)
        except Exception:  # noqa: BLE001 - the database may be gone at exit; say so, do not crash
            log.warning("could not write the coalesced admin-override audit entries", exc_info=True)
