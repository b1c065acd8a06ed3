"""Migration plans: what must change in storage to go from one published set to the next.

The plan is computed from metadata alone. Steps that may lose data carry a
``data_check`` the runtime runs against the live tables to say what would be lost.
"""

from tessera.i18n import Message

from .fieldtype_registry import active_field_types
from .fieldtypes import lookup_target
from .formulas import storage_doc
from .kpi_indexes import kpi_indexes
from .search_fields import searchable_field_names
from .steps import plan_step as _step


def stored_fields(doc, documents):
    """Return the storage documents of the fields of ``doc`` that have a column, by name."""
    return {f["name"]: storage_doc(f, documents) for f in doc["fields"] if active_field_types()[f["type"]].stored}


ROLLUP_KEYS = ("child", "via", "function", "of", "filter")


def _rollup_steps(name, old_doc, new_doc):
    """Roll-ups that are new or defined differently must be recomputed for every parent."""
    before = {f["name"]: f for f in (old_doc or {"fields": []})["fields"] if f["type"] == "rollup"}
    steps = []
    for field_doc in new_doc["fields"]:
        if field_doc["type"] != "rollup":
            continue
        old = before.get(field_doc["name"])
        if old is None or any(old.get(k) != field_doc.get(k) for k in ROLLUP_KEYS):
            steps.append(_step("recompute_rollup", name, field_doc["name"]))
    return steps


def field_change(obj, old, new):
    """Return the steps that turn column ``old`` into ``new`` (same field name).

    Types of one family convert in place as the new type says; any other change drops
    the column and adds it again (a lossy step, refused unless confirmed).
    """
    types = active_field_types()
    old_type, new_type = types[old["type"]], types[new["type"]]
    steps = None
    if old_type is new_type or (old_type.family is not None and old_type.family == new_type.family):
        steps = new_type.change_steps(obj, old, new, old_type)
    if steps is not None:
        return steps
    a, b = old["type"], new["type"]
    reason = Message("metadata.plan.type_changes", old=a, new=b) if a != b else Message("metadata.plan.lookup_retargeted")
    return [
        _step("drop_column", obj, new["name"], reason=reason, data_check={"kind": "non_null"}),
        _step("add_column", obj, new["name"], definition=new),
    ]


def _wanted_indexes(name, doc, documents):
    """Every index object ``name`` needs, as {columns: (unique, kpis)}: flagged fields, lookups,
    ``indexes``, and those the published KPIs over it ask for (``kpi_indexes``)."""
    if doc is None:
        return {}
    found = {(f["name"],): (bool(f.get("unique")), ()) for f in doc["fields"]
             if f.get("unique") or f.get("indexed") or lookup_target(f)}
    found.update({tuple(i["fields"]): (bool(i.get("unique")), ()) for i in doc.get("indexes", [])})
    columns_of = lambda other: stored_fields(documents[("object", other)], documents)  # noqa: E731
    for columns, kpis in kpi_indexes(name, documents, columns_of).items():
        found.setdefault(columns, (False, tuple(kpis)))
    return found


def _index_steps(obj, old, new, replaced=frozenset()):
    """Drop the indexes that change and create the new ones; ``old`` and ``new`` are the
    object's (document, published set) before and after.

    An index over a ``replaced`` column (one that is dropped, or dropped and re-added
    with another type) is dropped before the column goes and created again afterwards:
    SQLite refuses to drop an indexed column and PostgreSQL silently drops the index.
    """
    before, after = _wanted_indexes(obj, *old), _wanted_indexes(obj, *new)
    kept = {cols for cols, (unique, _) in before.items() if cols in after and after[cols][0] == unique}
    rebuilt = {cols for cols in kept if not replaced.isdisjoint(cols)}
    steps = [_index_step("drop_index", obj, cols, want, replaced if cols in rebuilt else ())
             for cols, want in before.items() if cols not in kept or cols in rebuilt]
    steps += [_index_step("create_index", obj, cols, want, replaced if cols in rebuilt else ())
              for cols, want in after.items() if cols not in kept or cols in rebuilt]
    return steps


def _search_steps(obj, old, new, rebuild):
    """Drop and create the search indexes (``lower(column)``, see ``search_fields``) of ``obj``'s
    searchable stored fields; ``old`` and ``new`` are (document, stored fields) before and
    after. Those in ``rebuild`` are dropped first and created again after the columns change
    (a copied or re-added column loses its expression index)."""
    before = {n for n in searchable_field_names(old[0]) if n in old[1]} if old[0] else set()
    after = {n for n in searchable_field_names(new[0]) if n in new[1]}
    rebuilt = before & after & rebuild
    return ([_step("drop_search_index", obj, n) for n in sorted((before - after) | rebuilt)]
            + [_step("create_search_index", obj, n) for n in sorted((after - before) | rebuilt)])


def _index_step(op, obj, cols, want, replaced):
    unique, kpis = want
    around = sorted(set(replaced) & set(cols))
    extra = {}
    if around:
        extra["reason"] = Message("metadata.plan.rebuilt_around", columns=", ".join(around))
    elif kpis:
        extra["reason"] = Message("metadata.plan.kpi_index", kpis=", ".join(kpis))
    return _step(op, obj, None, columns=list(cols), unique=unique, **extra)


def object_steps(name, old_set, new_set):
    """Return the steps for one object going from the old set to the new one."""
    old_doc, new_doc = old_set.get(("object", name)), new_set.get(("object", name))
    if new_doc is None:
        return [_step("drop_table", name, data_check={"kind": "any_rows"})]
    if old_doc is None:
        return ([_step("create_table", name, definition=new_doc)] + _index_steps(name, (None, old_set), (new_doc, new_set))
                + _search_steps(name, (None, {}), (new_doc, stored_fields(new_doc, new_set)), frozenset())
                + _rollup_steps(name, None, new_doc))
    old_fields, new_fields = stored_fields(old_doc, old_set), stored_fields(new_doc, new_set)
    steps = []
    for field_name, field_doc in old_fields.items():
        if field_name not in new_fields:
            steps.append(_step("drop_column", name, field_name, data_check={"kind": "non_null"}))
    for field_name, field_doc in new_fields.items():
        if field_name not in old_fields:
            steps.append(_step("add_column", name, field_name, definition=field_doc))
        else:
            steps.extend(field_change(name, old_fields[field_name], field_doc))
    replaced = frozenset(s["field"] for s in steps if s["op"] == "drop_column")
    # SQLite alters a column by copying the table, which keeps plain indexes only: every
    # search index of the object is then made again.
    copied = frozenset(new_fields) if any(s["op"] == "alter_column" for s in steps) else replaced
    return (steps + _index_steps(name, (old_doc, old_set), (new_doc, new_set), replaced)
            + _search_steps(name, (old_doc, old_fields), (new_doc, new_fields), copied)
            + _rollup_steps(name, old_doc, new_doc))


def compute_plan(old_set, new_set):
    """Return the ordered storage steps from published set ``old_set`` to ``new_set``."""
    names = sorted({n for k, n in old_set if k == "object"} | {n for k, n in new_set if k == "object"})
    steps = []
    for name in names:
        steps.extend(object_steps(name, old_set, new_set))
    order = {"drop_index": 0, "drop_search_index": 0, "create_table": 1, "drop_column": 2, "add_column": 3,
             "alter_column": 4, "restrict_values": 5, "create_index": 6, "create_search_index": 6,
             "drop_table": 7, "recompute_rollup": 8}
    return sorted(steps, key=lambda s: order[s["op"]])
