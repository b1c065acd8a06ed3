"""What the people pages read: users a page at a time, teams and roles as trees with their
members, and permission sets as rows of a matrix over the published objects and fields.
Everything through the runtime, for administrators only (``require_admin`` first)."""

from dataclasses import dataclass

from flask import g

from tessera.metadata.errors import MetadataError
from tessera.runtime.access.admin import require_admin
from tessera.runtime.access.rights import field_access
from tessera.runtime.identity.unit_members import unit_members
from tessera.runtime.identity.units import get_unit, list_units
from tessera.runtime.identity.users import get_user, list_users, user_json

from .fields import localized
from .reading import runtime

USERS_PAGE = 50
OBJECT_RIGHTS = ("create", "read", "edit", "delete", "view_all", "modify_all")
FIELD_DEFAULTS = ("edit", "read", "none")


def users_page(after):
    """(users with ids above ``after``, the cursor of the next page or None)."""
    require_admin(g.ctx)
    with runtime().read() as conn:
        items = list_users(conn, after_id=after, limit=USERS_PAGE + 1)
    more = len(items) > USERS_PAGE
    return items[:USERS_PAGE], (str(items[USERS_PAGE - 1]["id"]) if more else None)


def one_user(user_id):
    """The profile of user ``user_id`` (raises DirectoryEntryNotFound: the 404 page)."""
    require_admin(g.ctx)
    with runtime().read() as conn:
        return user_json(conn, get_user(conn, user_id))


@dataclass(frozen=True)
class UnitRow:
    """A team or role in its tree: name, label in the page's locale, parent, depth."""

    name: str
    label: str
    parent: str | None
    depth: int


def unit_tree(kind, locale):
    """Every team (or role) in tree order, each under its parent, with its depth."""
    require_admin(g.ctx)
    with runtime().read() as conn:
        units = list_units(conn, kind)
    children = {}
    for unit in units:
        children.setdefault(unit["parent"], []).append(unit)
    rows, pending = [], [(u, 0) for u in reversed(children.get(None, []))]
    while pending:
        unit, depth = pending.pop()
        rows.append(UnitRow(unit["name"], localized(unit["label"], locale, unit["name"]), unit["parent"], depth))
        pending.extend((child, depth + 1) for child in reversed(children.get(unit["name"], [])))
    return rows


def unit_with_members(kind, name):
    """(the unit's JSON, its members up to the runtime's ceiling); raises DirectoryEntryNotFound."""
    require_admin(g.ctx)
    with runtime().read() as conn:
        return get_unit(conn, kind, name), unit_members(conn, kind, name)


def published_sets():
    """The names of the published permission sets (only those may be assigned)."""
    with runtime().read() as conn:
        model = runtime().model(conn)
    return sorted(name for kind, name in model.documents if kind == "permission_set")


def draft_documents(kind):
    """Every draft of metadata ``kind`` (bodies), by name."""
    return sorted(runtime().metadata.list(g.ctx, kind), key=lambda doc: doc["name"])


def draft(kind, name):
    """The draft of (kind, name) as the metadata API answers it; raises when there is none."""
    return runtime().metadata.get(g.ctx, kind, name)


def published_names(kind):
    """The names of the published documents of ``kind``."""
    try:
        return {doc["name"] for doc in runtime().metadata.list(g.ctx, kind, published=True)}
    except MetadataError:
        return set()


@dataclass(frozen=True)
class FieldRow:
    """One field of a permission-set matrix: whether the set lets it be read and edited."""

    name: str
    label: str
    read: bool
    edit: bool


@dataclass(frozen=True)
class ObjectRow:
    """One object of a permission-set matrix: its rights, field default and fields."""

    name: str
    label: str
    rights: dict
    field_default: str
    fields: list


def matrix(doc, locale):
    """The rows of the matrix editor: every published object with what ``doc`` grants on it."""
    with runtime().read() as conn:
        model = runtime().model(conn)
    granted = doc.get("objects") or {}
    rows = []
    for name in sorted(model.objects):
        obj_doc, grant = model.objects[name].doc, granted.get(name) or {}
        names = [f["name"] for f in obj_doc.get("fields", [])]
        readable, editable = field_access(grant, names)
        fields = [FieldRow(f["name"], localized(f.get("label"), locale, f["name"]), f["name"] in readable,
                           f["name"] in editable) for f in obj_doc.get("fields", [])]
        rows.append(ObjectRow(name, localized(obj_doc.get("label"), locale, name),
                              {right: bool(grant.get(right)) for right in OBJECT_RIGHTS},
                              grant.get("field_default", "edit"), fields))
    return rows
