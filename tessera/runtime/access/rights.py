"""A user's rights: the union of their published permission sets, per object and field.

Rights depend only on the published revision and the names of the sets, so they are
computed once per (compiled model, sets) and shared by every request that needs them.
A formula or roll-up field is readable only when everything it reads is readable too
(``derived_reads``), so every consumer of ``ObjectRights.readable`` sees the same rule.
"""

import threading
import weakref
from dataclasses import dataclass, field

from tessera.formula import check
from tessera.metadata.fieldtypes import lookup_target
from tessera.metadata.formulas import scope_for

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
    """Everything a user may do; ``is_admin`` means every right and no record sharing.

    ``manage_performance`` is the KPI-administration right: targets, scheme assignments
    and KPI adjustments (administrators hold it too).
    """

    is_admin: bool = False
    objects: dict = field(default_factory=dict)
    manage_performance: bool = False

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
    is_admin, performance, objects = False, False, {}
    for set_name in set_names:
        doc = documents.get(("permission_set", set_name))
        if doc is None:
            continue
        is_admin = is_admin or bool(doc.get("is_admin"))
        performance = performance or bool(doc.get("manage_performance"))
        for object_name, entry in doc.get("objects", {}).items():
            object_doc = documents.get(("object", object_name))
            if object_doc is None:
                continue
            grant = _object_rights(entry, object_doc)
            objects[object_name] = objects[object_name].merged(grant) if object_name in objects else grant
    return Rights(is_admin=is_admin, objects=objects, manage_performance=performance or is_admin)


def _path_reads(model, obj, path):
    """The (object, field) pairs a reader must see to follow ``path`` from ``obj``.

    System fields and the user object are readable by everyone, so a path stops there.
    """
    reads = []
    for hop in path:
        if obj is None or hop not in obj.fields:
            break
        reads.append((obj.name, hop))
        obj = model.objects.get(lookup_target(obj.fields[hop]))
    return reads


def _references_reads(model, obj, references):
    """Every pair the field ``references`` (paths) of a formula over ``obj`` read."""
    return {pair for path in references for pair in _path_reads(model, obj, path)}


def _rollup_reads(model, field_doc):
    """What a roll-up reads on its child: the summarised field and its filter's fields."""
    child = model.objects.get(field_doc["child"])
    if child is None:
        return set()
    reads = set(_path_reads(model, child, [field_doc["of"]])) if field_doc.get("of") else set()
    if field_doc.get("filter"):
        checked = check(field_doc["filter"], scope_for(model.documents, child.name), context="filter")
        reads |= _references_reads(model, child, checked.references)
    return reads


def _direct_reads(model, obj, name):
    """What formula or roll-up field ``name`` of ``obj`` reads itself, one level deep."""
    if name in obj.formulas:
        return _references_reads(model, obj, obj.formulas[name].checked.references)
    return _rollup_reads(model, obj.fields[name])


def _closure(key, direct):
    """Every pair reachable from ``key`` through ``direct`` (cycles are harmless)."""
    seen, pending = set(), list(direct[key])
    while pending:
        pair = pending.pop()
        if pair not in seen:
            seen.add(pair)
            pending.extend(direct.get(pair, ()))
    return frozenset(seen)


def derived_reads(model):
    """{(object, field): every (object, field) it reads, transitively} for formula and roll-up fields.

    Follows other formula fields, lookup hops and roll-ups; computed once per compiled
    model and kept in ``model.cache``.
    """
    found = model.cache.get("derived_reads")
    if found is None:
        direct = {(obj.name, name): _direct_reads(model, obj, name) for obj in model.objects.values()
                  for name, doc in obj.fields.items() if doc["type"] in ("formula", "rollup")}
        found = {key: _closure(key, direct) for key in direct}
        model.cache["derived_reads"] = found
    return found


def without_hidden_sources(rights, reads):
    """``rights`` minus the derived fields that read a field the user may not read."""
    def visible(pair):
        return pair[1] in rights.on(pair[0]).readable

    objects = {}
    for name, grant in rights.objects.items():
        hidden = {f for f in grant.readable if not all(map(visible, reads.get((name, f), ())))}
        objects[name] = ObjectRights(grant.actions, grant.readable - hidden, grant.editable - hidden)
    return Rights(is_admin=rights.is_admin, objects=objects, manage_performance=rights.manage_performance)


class RightsCache:
    """Rights per (compiled model, set names), computed once each; bounded in size.

    Entries hang off the model object itself (weakly), not its revision number, so two
    databases served by one process (tests, several apps) never share rights.
    """

    def __init__(self, size=_CACHE_SIZE):
        self._size = size
        self._models = {}
        self._lock = threading.Lock()

    def _entries(self, model):
        """The entries of ``model`` (keyed by identity, checked through a weak reference)."""
        slot = self._models.get(id(model))
        if slot is not None and slot[0]() is model:
            return slot[1]
        entries = {}
        with self._lock:
            self._models = {k: v for k, v in self._models.items() if v[0]() is not None}
            self._models[id(model)] = (weakref.ref(model), entries)
        return entries

    def get(self, model, set_names):
        """The Rights of ``set_names`` under compiled ``model``, derived fields restricted."""
        key = frozenset(set_names)
        entries = self._entries(model)
        found = entries.get(key)
        if found is None:
            found = without_hidden_sources(compute_rights(model.documents, sorted(key)), derived_reads(model))
            with self._lock:
                if len(entries) >= self._size:
                    entries.clear()
                entries[key] = found
        return found


RIGHTS = RightsCache()
