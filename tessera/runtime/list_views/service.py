"""ListViewService: the list views of an object a user may pick, and their own personal ones.

Shared views are the published ``list_view`` documents of the object, read-only here.
Personal views belong to one user: only they list, change or delete them (anyone else
gets ListViewNotFound, as for a view that does not exist). A personal view is checked
against the records API before it is stored: its columns, filter and sort must be a list
query its owner could run, refused exactly as the records API refuses it.
"""

from sqlalchemy import delete, insert, select, update

from ..audit import log as audit
from ..clock import naive_utc
from ..errors import PermissionDenied, RuntimeFailure
from .shapes import checked_body, personal_json, shared_json, sort_text
from .tables import personal_view


class ListViewNotFound(RuntimeFailure):
    """No personal view by that id of this object that the caller owns."""

    code = "not_found"
    status = 404


class ListViewService:
    """List the views of an object; create, change and delete the caller's personal ones."""

    def __init__(self, runtime):
        self.runtime = runtime

    @staticmethod
    def _owner(ctx):
        if ctx is None or ctx.user_id is None:
            raise PermissionDenied("list_view.needs_user")
        return ctx.user_id

    def _grant(self, conn, ctx, object_name):
        _, obj = self.runtime.object_for(conn, object_name)
        return self.runtime.access.object_access(ctx, obj, "read")

    def list(self, ctx, object_name):
        """``{"items": [...]}``: the object's shared views (``"shared": true``) and the caller's
        personal ones, defaults first (a personal default before a shared one), then by label."""
        owner = self._owner(ctx)
        with self.runtime.read() as conn:
            grant = self._grant(conn, ctx, object_name)
            model = self.runtime.model(conn)
            shared = [shared_json(doc, grant.readable) for (kind, _), doc in sorted(model.documents.items())
                      if kind == "list_view" and doc["object"] == object_name]
            rows = conn.execute(select(personal_view).where(personal_view.c.owner_id == owner,
                                                            personal_view.c.object == object_name)
                                .order_by(personal_view.c.id)).mappings().all()
        personal = [personal_json(row, grant.readable) for row in rows]
        ordered = sorted(personal + shared, key=lambda v: (not v["default"], v["shared"]))
        return {"items": ordered}

    def _check_query(self, ctx, object_name, view):
        """Raise as the records API would for a list with the view's columns, filter and sort."""
        self.runtime.records.list(ctx, object_name, formula=view["filter"], sort=sort_text(view["sort"]) or None,
                                  fields=view["columns"], limit=1)

    def _values(self, view, now):
        return {"label": view["label"], "columns": view["columns"], "filter": view["filter"], "sort": view["sort"],
                "is_default": view["default"], "updated_at": now}

    def _clear_default(self, conn, owner, object_name, view):
        if view["default"]:
            conn.execute(update(personal_view).where(personal_view.c.owner_id == owner,
                                                     personal_view.c.object == object_name)
                         .values(is_default=False))

    def create(self, ctx, object_name, body):
        """Store a new personal view of ``object_name`` for the caller; answer it."""
        owner = self._owner(ctx)
        view = checked_body(object_name, body)
        self._check_query(ctx, object_name, view)
        now = naive_utc(self.runtime.clock())
        values = {**self._values(view, now), "owner_id": owner, "object": object_name, "version": 1, "created_at": now}
        with self.runtime.write() as conn:
            grant = self._grant(conn, ctx, object_name)
            self._clear_default(conn, owner, object_name, view)
            new_id = conn.execute(insert(personal_view).returning(personal_view.c.id), [values]).scalar_one()
            audit.record(conn, "list_view.created", ctx, subject=f"list view {new_id}",
                         details={"list_view": new_id, "object": object_name})
            return personal_json({**values, "id": new_id}, grant.readable)

    def _row(self, conn, owner, object_name, view_id):
        row = conn.execute(select(personal_view).where(personal_view.c.id == view_id)).mappings().first()
        if row is None or row["owner_id"] != owner or row["object"] != object_name:
            raise ListViewNotFound("list_view.not_found", id=view_id)
        return dict(row)

    def update(self, ctx, object_name, view_id, body):
        """Replace the caller's personal view ``view_id`` with ``body``; answer it."""
        owner = self._owner(ctx)
        with self.runtime.read() as conn:
            self._row(conn, owner, object_name, view_id)
        view = checked_body(object_name, body)
        self._check_query(ctx, object_name, view)
        with self.runtime.write() as conn:
            grant = self._grant(conn, ctx, object_name)
            row = self._row(conn, owner, object_name, view_id)
            self._clear_default(conn, owner, object_name, view)
            values = {**self._values(view, naive_utc(self.runtime.clock())), "version": row["version"] + 1}
            conn.execute(update(personal_view).where(personal_view.c.id == view_id).values(**values))
            audit.record(conn, "list_view.changed", ctx, subject=f"list view {view_id}",
                         details={"list_view": view_id, "object": object_name})
            return personal_json({**row, **values}, grant.readable)

    def delete(self, ctx, object_name, view_id):
        """Delete the caller's personal view ``view_id``."""
        owner = self._owner(ctx)
        with self.runtime.write() as conn:
            self._row(conn, owner, object_name, view_id)
            conn.execute(delete(personal_view).where(personal_view.c.id == view_id))
            audit.record(conn, "list_view.deleted", ctx, subject=f"list view {view_id}",
                         details={"list_view": view_id, "object": object_name})
