"""A user's rights: the union of their published permission sets, per object and field.

Rights depend only on the published revision and the names of the sets, so they are
computed once per (revision, sets) and shared by every request that needs them.
"""

import threading
from dataclasses import dataclass, field

OBJECT_ACTIONS = ("create", "read", "edit", "delete", "view_all", "modify_all")
_CACHE_SIZE = 512


@dataclass(frozen=True)
class ObjectRights:
    """What a user may do with one object: actions, and the fields they may read and edit."""

    actions: frozenset = frozenset()
    readable: frozenset = frozenset()
    editable: frozenset = frozenset()

    def merged(self, other):
        """The union of two grants on the same object."""
        return ObjectRights(self.actions | other.actions, self.readable | other.readable,
                            self.editable | other.editable)


@dataclass(frozen=True)
class Rights:
    """Everything a user may do; ``is_admin`` means every right and no record sharing."""

    is_admin: bool = False
    objects: dict = field(default_factory=dict)

    def on(self, object_name):
        """The rights on ``object_name`` (empty when none were granted)."""
        return self.objects.get(object_name) or ObjectRights()

    def can(self, object_name, action):
        """True when ``action`` (create, read, edit, delete, view_all, modify_all) is granted."""
        return self.is_admin or action in self.on(object_name).actions


NO_RIGHTS = Rights()


def implied_actions(entry):
    """The actions an object entry grants, with what each implies (modify_all -> all, ...)."""
    actions = {a for a in OBJECT_ACTIONS if entry.get(a)}
    if "modify_all" in actions:
        actions |= {"view_all", "read", "edit", "delete"}
    if actions & {"view_all", "create", "edit", "delete"}:
        actions.add("read")
    return frozenset(actions)


def field_access(entry, field_names):
    """Return (readable, editable) field names for one object entry of a permission set."""
    default = entry.get("field_default", "edit")
    listed = entry.get("fields", {})
    readable, editable = set(), set()
    for name in field_names:
        access = listed.get(name, {})
        read = access.get("read", default != "none")
        edit = access.get("edit", default == "edit" and read)
        if edit or read:
            readable.add(name)
        if edit:
            editable.add(name)
    return frozenset(readable), frozenset(editable)


def _object_rights(entry, object_doc):
    names = [f["name"] for f in object_doc["fields"]]
    readable, editable = field_access(entry, names)
    return ObjectRights(implied_actions(entry), readable, editable)


def compute_rights(documents, set_names):
    """The union of the published permission sets ``set_names`` (unknown names grant nothing)."""
    is_admin, objects = False, {}
    for set_name in set_names:
        doc = documents.get(("permission_set", set_name))
        if doc is None:
            continue
        is_admin = is_admin or bool(doc.get("is_admin"))
        for object_name, entry in doc.get("objects", {}).items():
            object_doc = documents.get(("object", object_name))
            if object_doc is None:
                continue
            grant = _object_rights(entry, object_doc)
            objects[object_name] = objects[object_name].merged(grant) if object_name in objects else grant
    return Rights(is_admin=is_admin, objects=objects)


class RightsCache:
    """Rights per (revision, set names), computed once each; bounded in size."""

    def __init__(self, size=_CACHE_SIZE):
        self._size = size
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, model, set_names):
        """The Rights of ``set_names`` under compiled ``model``."""
        key = (model.revision, frozenset(set_names))
        found = self._entries.get(key)
        if found is None:
            found = compute_rights(model.documents, sorted(key[1]))
            with self._lock:
                if len(self._entries) >= self._size:
                    self._entries.clear()
                self._entries[key] = found
        return found


RIGHTS = RightsCache()
