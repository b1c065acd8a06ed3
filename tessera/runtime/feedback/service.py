"""FeedbackService: users write feedback from any page; administrators list and triage it.

Who sees what: the author sees their own feedback (and its status and the note of the
triage); administrators see and triage all of it. Anyone else's feedback does not exist
for a user (404). Every change writes its audit entry in its own transaction.
"""

from sqlalchemy import func, insert, select, update

from ..access.admin import require_admin
from ..audit import log as audit
from ..clock import naive_utc
from ..errors import FeedbackNotFound, PermissionDenied
from ..fields.serialize import to_json
from ..paging import parse_limit
from ..schema.system_tables import user
from .inputs import list_filters, new_feedback, triage_change
from .tables import feedback


def _names(conn, ids):
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = conn.execute(select(user.c.id, user.c.display_name, user.c.username).where(user.c.id.in_(wanted)))
    return {row.id: row.display_name or row.username for row in rows}


def feedback_json(row, names):
    """One feedback entry as the API answers it."""
    return {"id": row["id"], "kind": row["kind"], "text": row["text"], "page": row["page"], "status": row["status"],
            "note": row["note"], "author": {"id": row["author_id"], "name": names.get(row["author_id"])},
            "created_at": to_json(row["created_at"]), "updated_at": to_json(row["updated_at"])}


class FeedbackService:
    """Submit, list, read and triage feedback."""

    def __init__(self, runtime):
        self.runtime = runtime

    def _now(self):
        return naive_utc(self.runtime.clock())

    @staticmethod
    def _author(ctx):
        if ctx is None or ctx.user_id is None:
            raise PermissionDenied("feedback.needs_user")
        return ctx.user_id

    def submit(self, ctx, body):
        """Store a new entry ``{"kind", "text", "page"}`` with status ``new``; answer it."""
        author = self._author(ctx)
        kind, text, page = new_feedback(body)
        now = self._now()
        values = {"author_id": author, "kind": kind, "text": text, "page": page, "status": "new", "note": None,
                  "version": 1, "created_at": now, "updated_at": now, "triaged_by": None}
        with self.runtime.write() as conn:
            new_id = conn.execute(insert(feedback).returning(feedback.c.id), [values]).scalar_one()
            audit.record(conn, "feedback.submitted", ctx, subject=f"feedback {new_id}",
                         details={"feedback": new_id, "kind": kind, "page": page})
            return feedback_json({**values, "id": new_id}, _names(conn, [author]))

    def list(self, ctx, args):
        """``{"items", "next_cursor"}``, newest first: the caller's own entries, or (administrators) all
        of them unless ``mine=true``; ``status`` filters, ``limit`` (50) and ``cursor`` page."""
        author = self._author(ctx)
        status, mine, after = list_filters(args)
        limit = parse_limit(args.get("limit"))
        query = select(feedback).order_by(feedback.c.id.desc()).limit(limit + 1)
        if mine or not ctx.is_admin:
            query = query.where(feedback.c.author_id == author)
        if status is not None:
            query = query.where(feedback.c.status == status)
        if after is not None:
            query = query.where(feedback.c.id < after)
        with self.runtime.read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
            names = _names(conn, [r["author_id"] for r in rows])
        more = len(rows) > limit
        rows = rows[:limit]
        return {"items": [feedback_json(r, names) for r in rows],
                "next_cursor": str(rows[-1]["id"]) if more else None}

    def counts(self, ctx):
        """{status: how many} over every entry (administrators only)."""
        require_admin(ctx)
        query = select(feedback.c.status, func.count()).group_by(feedback.c.status)
        with self.runtime.read() as conn:
            return {status: count for status, count in conn.execute(query)}

    def _row(self, conn, ctx, feedback_id):
        row = conn.execute(select(feedback).where(feedback.c.id == feedback_id)).mappings().first()
        if row is None or not (ctx.is_admin or row["author_id"] == ctx.user_id):
            raise FeedbackNotFound("feedback.not_found", id=feedback_id)
        return dict(row)

    def get(self, ctx, feedback_id):
        """One entry, for its author and administrators; FeedbackNotFound for anyone else."""
        self._author(ctx)
        with self.runtime.read() as conn:
            row = self._row(conn, ctx, feedback_id)
            return feedback_json(row, _names(conn, [row["author_id"]]))

    def triage(self, ctx, feedback_id, body):
        """Set an entry's ``status`` and/or ``note`` (administrators only); answer it."""
        require_admin(ctx)
        change = triage_change(body)
        with self.runtime.write() as conn:
            row = self._row(conn, ctx, feedback_id)
            values = {**change, "version": row["version"] + 1, "updated_at": self._now(), "triaged_by": ctx.user_id}
            conn.execute(update(feedback).where(feedback.c.id == feedback_id).values(**values))
            audit.record(conn, "feedback.triaged", ctx, subject=f"feedback {feedback_id}",
                         details={"feedback": feedback_id, "from": row["status"],
                                  "to": change.get("status", row["status"])})
            row.update(values)
            return feedback_json(row, _names(conn, [row["author_id"]]))
