"""The difference between two bodies of one metadata document, for people to read.

Named items (an object's fields, its validation rules, a flow's steps: lists of dicts
with a ``name``) are compared by name, so moving a field is not read as "everything
changed"; any other value is compared by key path (``label.zh-CN``).
"""

from dataclasses import dataclass

#: How many levels of nested keys are compared one by one before a value is shown whole.
MAX_DEPTH = 6


@dataclass(frozen=True)
class Change:
    """One difference: ``what`` is "added", "removed", "changed" or "moved"; ``path`` the key path
    (``fields.discount.scale``); ``old`` / ``new`` the values (None where there is none)."""

    what: str
    path: str
    old: object = None
    new: object = None


def _named_list(value):
    return (isinstance(value, list) and value and all(isinstance(v, dict) and isinstance(v.get("name"), str)
                                                      for v in value))


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def _compare(path, old, new, depth, out):
    if old == new:
        return
    if depth < MAX_DEPTH and isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in new:
                out.append(Change("removed", _join(path, key), old=old[key]))
            elif key not in old:
                out.append(Change("added", _join(path, key), new=new[key]))
            else:
                _compare(_join(path, key), old[key], new[key], depth + 1, out)
        return
    if depth < MAX_DEPTH and _named_list(old) and _named_list(new):
        _compare_named(path, old, new, depth, out)
        return
    out.append(Change("changed", path, old=old, new=new))


def _compare_named(path, old, new, depth, out):
    before = {item["name"]: item for item in old}
    after = {item["name"]: item for item in new}
    for item in old:
        if item["name"] not in after:
            out.append(Change("removed", _join(path, item["name"]), old=item))
    for item in new:
        name = item["name"]
        if name not in before:
            out.append(Change("added", _join(path, name), new=item))
        else:
            _compare(_join(path, name), before[name], item, depth + 1, out)
    kept_before = [i["name"] for i in old if i["name"] in after]
    kept_after = [i["name"] for i in new if i["name"] in before]
    if kept_before != kept_after:
        out.append(Change("moved", path, old=kept_before, new=kept_after))


def document_diff(old, new):
    """The changes from body ``old`` to body ``new`` (either may be None: created or deleted),
    in document order; an empty list when they are equal."""
    if old is None and new is None:
        return []
    if old is None:
        return [Change("added", "", new=new)]
    if new is None:
        return [Change("removed", "", old=old)]
    out = []
    _compare("", old, new, 0, out)
    return out
